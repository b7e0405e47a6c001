using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class StatementTests
{
    private static ServiceUsage Usage(RoamingService service, long billed, long charge)
        => new() { Service = service, Records = 1, Quantity = billed, BilledQuantity = billed, ChargeMinor = charge };

    [Fact]
    public void Net_is_the_difference_of_both_directions_after_discounts_owed_by_the_heavier_user()
    {
        var flat = new DiscountModel { Kind = DiscountKind.Flat, Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Price = 90 }] };
        var terms = Samples.Agreement(discountInA: flat);

        var statement = SettlementStatement.Calculate(terms, "2025-01",
            ([Usage(RoamingService.MocLocal, 6000, 12_000)], 3),
            ([Usage(RoamingService.SmsMo, 100, 5000)], 2));

        var inA = statement.Directions[0];
        Assert.Equal((Samples.A, Samples.B), (inA.VisitedMspId, inA.HomeMspId));
        Assert.Equal((12_000L, 9000L, 3000L), (inA.ChargeMinor, inA.DiscountedMinor, inA.DiscountMinor));
        Assert.Equal(5000, statement.Directions[1].PayableMinor);
        // B owes A 9000, A owes B 5000.
        Assert.Equal(4000, statement.NetMinor);
        Assert.Equal(Samples.B, statement.NetPayerMspId);
        Assert.Equal(Samples.A, statement.NetPayeeMspId);
        // 15+15 after 31 January.
        Assert.Equal(new DateOnly(2025, 3, 2), statement.DueDate);
    }

    [Theory]
    [InlineData("7+3", "2025-02-10")]
    [InlineData("15+15", "2025-03-02")]
    [InlineData("0+0", "2025-01-31")]
    public void Due_date_is_the_period_end_plus_both_payment_term_days(string terms, string due)
    {
        var statement = SettlementStatement.Calculate(Samples.Agreement() with { PaymentTerms = terms }, "2025-01", ([], 0), ([], 0));

        Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), statement.DueDate);
        Assert.Equal(0, statement.NetMinor);
        Assert.Null(statement.NetPayerMspId);
    }

    [Fact]
    public void Balanced_discount_in_a_statement_reads_the_opposite_direction()
    {
        var balanced = new DiscountModel
        {
            Kind = DiscountKind.BalancedUnbalanced,
            Services = [new ServiceDiscount { Service = RoamingService.MocLocal, BalancedPrice = 80, UnbalancedPrice = 150 }],
        };
        var terms = Samples.Agreement(discountInA: balanced, discountInB: balanced);

        var statement = SettlementStatement.Calculate(terms, "2025-01",
            ([Usage(RoamingService.MocLocal, 6000, 12_000)], 1),
            ([Usage(RoamingService.MocLocal, 3600, 6000)], 1));

        Assert.Equal(10_800, statement.Directions[0].PayableMinor);  // 60 × 80 + 40 × 150
        Assert.Equal(4800, statement.Directions[1].PayableMinor);    // 60 × 80
        Assert.Equal(6000, statement.NetMinor);
    }
}
