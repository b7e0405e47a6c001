namespace Restcomm.Roaming;

/// <summary>One direction of a statement: usage in <see cref="VisitedMspId"/>'s network, owed by <see cref="HomeMspId"/>.</summary>
public sealed record DirectionSettlement
{
    /// <summary>The visited operator (creditor of this direction).</summary>
    public required string VisitedMspId { get; init; }

    /// <summary>The home operator (debtor of this direction).</summary>
    public required string HomeMspId { get; init; }

    /// <summary>The discount model applied.</summary>
    public required DiscountKind DiscountKind { get; init; }

    /// <summary>Accepted batches counted.</summary>
    public required int Batches { get; init; }

    /// <summary>Per service: accepted usage and discounted amount.</summary>
    public required IReadOnlyList<ServiceSettlement> Services { get; init; }

    /// <summary>Sum of the accepted IOT charges.</summary>
    public required long ChargeMinor { get; init; }

    /// <summary>Sum after the discount (before any shortfall).</summary>
    public required long DiscountedMinor { get; init; }

    /// <summary><see cref="ChargeMinor"/> − <see cref="DiscountedMinor"/>.</summary>
    public long DiscountMinor => ChargeMinor - DiscountedMinor;

    /// <summary>Commitment shortfall payment.</summary>
    public required long ShortfallMinor { get; init; }

    /// <summary>What the home operator owes for this direction.</summary>
    public long PayableMinor => DiscountedMinor + ShortfallMinor;
}

/// <summary>
/// A pair's settlement for one period: both directions' accepted usage, discounts, and the bilateral net — the
/// difference of the two payable amounts, owed by the operator whose subscribers used more — due on the period's
/// last day plus the payment terms' N + M days.
/// </summary>
public sealed record SettlementStatement
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The agreement version whose discounts applied (the one in force on the period's last day).</summary>
    public required int AgreementVersion { get; init; }

    /// <summary>The period, <c>yyyy-MM</c>.</summary>
    public required string Period { get; init; }

    /// <summary>Currency of every amount.</summary>
    public required string Currency { get; init; }

    /// <summary>Decimal places of every amount.</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>Usage in party A's network, then in party B's.</summary>
    public required IReadOnlyList<DirectionSettlement> Directions { get; init; }

    /// <summary>The bilateral net, not negative.</summary>
    public required long NetMinor { get; init; }

    /// <summary>Who pays the net (null when it is zero).</summary>
    public string? NetPayerMspId { get; init; }

    /// <summary>Who receives the net (null when it is zero).</summary>
    public string? NetPayeeMspId { get; init; }

    /// <summary>Payment terms applied.</summary>
    public required string PaymentTerms { get; init; }

    /// <summary>When the net is due.</summary>
    public required DateOnly DueDate { get; init; }

    /// <summary>Calculates a statement.</summary>
    /// <param name="terms">The agreement version in force on the period's last day.</param>
    /// <param name="period"><c>yyyy-MM</c>.</param>
    /// <param name="usageInA">Accepted usage in party A's network (A visited, B home) and the number of batches.</param>
    /// <param name="usageInB">Accepted usage in party B's network.</param>
    /// <returns>The statement.</returns>
    public static SettlementStatement Calculate(AgreementDocument terms, string period,
        (IReadOnlyList<ServiceUsage> Usage, int Batches) usageInA, (IReadOnlyList<ServiceUsage> Usage, int Batches) usageInB)
    {
        var lastDay = SettlementPeriods.LastDay(period);
        var a = Direction(terms, terms.PartyA.MspId, terms.PartyB.MspId, usageInA, usageInB.Usage);
        var b = Direction(terms, terms.PartyB.MspId, terms.PartyA.MspId, usageInB, usageInA.Usage);
        // a.Payable is owed by B to A, b.Payable by A to B.
        var net = a.PayableMinor - b.PayableMinor;
        return new SettlementStatement
        {
            AgreementId = terms.AgreementId,
            AgreementVersion = terms.Version,
            Period = period,
            Currency = terms.Currency,
            DecimalPlaces = terms.DecimalPlaces,
            Directions = [a, b],
            NetMinor = Math.Abs(net),
            NetPayerMspId = net > 0 ? terms.PartyB.MspId : net < 0 ? terms.PartyA.MspId : null,
            NetPayeeMspId = net > 0 ? terms.PartyA.MspId : net < 0 ? terms.PartyB.MspId : null,
            PaymentTerms = Roaming.PaymentTerms.Parse(terms.PaymentTerms).ToString(),
            DueDate = Roaming.PaymentTerms.Parse(terms.PaymentTerms).DueDate(lastDay),
        };
    }

    private static DirectionSettlement Direction(AgreementDocument terms, string visited, string home,
        (IReadOnlyList<ServiceUsage> Usage, int Batches) usage, IReadOnlyList<ServiceUsage> opposite)
    {
        var model = terms.Direction(visited).Discount;
        var result = DiscountCalculator.Apply(model, usage.Usage, opposite);
        return new DirectionSettlement
        {
            VisitedMspId = visited,
            HomeMspId = home,
            DiscountKind = model.Kind,
            Batches = usage.Batches,
            Services = result.Services,
            ChargeMinor = result.ChargeMinor,
            DiscountedMinor = result.DiscountedMinor,
            ShortfallMinor = result.ShortfallMinor,
        };
    }
}
