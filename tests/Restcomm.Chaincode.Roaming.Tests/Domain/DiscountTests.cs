using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class DiscountTests
{
    private const long Mb = RoamingServices.BytesPerMegabyte;

    private static ServiceUsage Usage(RoamingService service, long billed, long charge, long records = 1)
        => new() { Service = service, Records = records, Quantity = billed, BilledQuantity = billed, ChargeMinor = charge };

    [Fact]
    public void No_discount_keeps_the_iot_charges()
    {
        var result = DiscountCalculator.Apply(new DiscountModel(), [Usage(RoamingService.MocLocal, 6000, 12_000)], []);

        Assert.Equal(12_000, result.DiscountedMinor);
        Assert.Equal(0, result.ShortfallMinor);
    }

    [Fact]
    public void Flat_rate_prices_every_billed_minute_at_the_flat_price_and_leaves_unlisted_services_at_iot()
    {
        var model = new DiscountModel
        {
            Kind = DiscountKind.Flat,
            Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Price = 90 }],
        };

        var result = DiscountCalculator.Apply(model, [Usage(RoamingService.MocLocal, 6000, 12_000), Usage(RoamingService.SmsMo, 10, 500)], []);

        // 100 min × 90 = 9000; SMS unlisted: 500.
        Assert.Equal(9000, result.Services.Single(s => s.Service == RoamingService.MocLocal).DiscountedMinor);
        Assert.Equal(500, result.Services.Single(s => s.Service == RoamingService.SmsMo).DiscountedMinor);
        Assert.Equal(12_500, result.ChargeMinor);
        Assert.Equal(9500, result.DiscountedMinor);
    }

    private static DiscountModel DataTiers(DiscountKind kind) => new()
    {
        Kind = kind,
        Services =
        [
            new ServiceDiscount
            {
                Service = RoamingService.Data,
                Tiers =
                [
                    new DiscountTier { FromQuantity = 0, Price = 2000 },
                    new DiscountTier { FromQuantity = 1000 * Mb, Price = 1500 },
                    new DiscountTier { FromQuantity = 2000 * Mb, Price = 1000 },
                ],
            },
        ],
    };

    [Fact]
    public void Tiered_linear_prices_each_band_at_its_own_tier()
    {
        var result = DiscountCalculator.Apply(DataTiers(DiscountKind.TieredLinear), [Usage(RoamingService.Data, 3000 * Mb, 6_000_000)], []);

        // 1000 MB × 2000 + 1000 MB × 1500 + 1000 MB × 1000
        Assert.Equal(4_500_000, result.DiscountedMinor);
    }

    [Fact]
    public void Tiered_retroactive_prices_all_usage_at_the_highest_tier_reached()
    {
        var all = DiscountCalculator.Apply(DataTiers(DiscountKind.TieredRetroactive), [Usage(RoamingService.Data, 3000 * Mb, 6_000_000)], []);
        var middle = DiscountCalculator.Apply(DataTiers(DiscountKind.TieredRetroactive), [Usage(RoamingService.Data, 1500 * Mb, 3_000_000)], []);
        var threshold = DiscountCalculator.Apply(DataTiers(DiscountKind.TieredRetroactive), [Usage(RoamingService.Data, 1000 * Mb, 2_000_000)], []);

        Assert.Equal(3_000_000, all.DiscountedMinor);      // 3000 MB × 1000
        Assert.Equal(2_250_000, middle.DiscountedMinor);   // 1500 MB × 1500
        Assert.Equal(1_500_000, threshold.DiscountedMinor); // a threshold belongs to the tier it starts
    }

    [Fact]
    public void Tiered_linear_rounds_once_per_service_not_per_band()
    {
        var model = new DiscountModel
        {
            Kind = DiscountKind.TieredLinear,
            Services = [new ServiceDiscount { Service = RoamingService.Mtc, Tiers = [new DiscountTier { FromQuantity = 0, Price = 10 }, new DiscountTier { FromQuantity = 45, Price = 10 }] }],
        };

        var result = DiscountCalculator.Apply(model, [Usage(RoamingService.Mtc, 90, 15)], []);

        // (45 × 10 + 45 × 10) / 60 = 15; rounding each band (7.5 → 8) would give 16.
        Assert.Equal(15, result.DiscountedMinor);
    }

    [Fact]
    public void Commitment_below_the_committed_amount_adds_the_shortfall()
    {
        var model = new DiscountModel
        {
            Kind = DiscountKind.Commitment,
            CommitmentAmount = 10_000,
            Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Price = 90 }],
        };

        var result = DiscountCalculator.Apply(model, [Usage(RoamingService.MocLocal, 6000, 12_000)], []);

        Assert.Equal(9000, result.DiscountedMinor);
        Assert.Equal(1000, result.ShortfallMinor);
        Assert.Equal(10_000, result.PayableMinor);
    }

    [Fact]
    public void Commitment_reached_has_no_shortfall()
    {
        var model = new DiscountModel
        {
            Kind = DiscountKind.Commitment,
            CommitmentAmount = 5000,
            Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Price = 90 }],
        };

        var result = DiscountCalculator.Apply(model, [Usage(RoamingService.MocLocal, 6000, 12_000)], []);

        Assert.Equal(0, result.ShortfallMinor);
        Assert.Equal(9000, result.PayableMinor);
    }

    [Fact]
    public void Balanced_traffic_is_priced_at_the_balanced_rate_and_the_excess_at_the_unbalanced_rate()
    {
        var model = new DiscountModel
        {
            Kind = DiscountKind.BalancedUnbalanced,
            Services = [new ServiceDiscount { Service = RoamingService.MocLocal, BalancedPrice = 80, UnbalancedPrice = 150 }],
        };

        var heavy = DiscountCalculator.Apply(model, [Usage(RoamingService.MocLocal, 6000, 12_000)], [Usage(RoamingService.MocLocal, 3600, 6000)]);
        var light = DiscountCalculator.Apply(model, [Usage(RoamingService.MocLocal, 3600, 7200)], [Usage(RoamingService.MocLocal, 6000, 10_000)]);

        // 60 min balanced × 80 + 40 min unbalanced × 150 = 4800 + 6000
        Assert.Equal(10_800, heavy.DiscountedMinor);
        // all 60 min balanced: 60 × 80
        Assert.Equal(4800, light.DiscountedMinor);
    }

    [Fact]
    public void Tiers_that_do_not_start_at_zero_make_the_agreement_invalid()
    {
        var model = DataTiers(DiscountKind.TieredLinear) with
        {
            Services = [new ServiceDiscount { Service = RoamingService.Data, Tiers = [new DiscountTier { FromQuantity = Mb, Price = 1 }] }],
        };

        var e = Assert.Throws<RoamingRuleException>(() => Support.Samples.Agreement(discountInA: model).Validate());
        Assert.Equal("invalid-agreement", e.Code);
        Assert.Contains("tiers must start at quantity 0", e.Message, StringComparison.Ordinal);
    }
}
