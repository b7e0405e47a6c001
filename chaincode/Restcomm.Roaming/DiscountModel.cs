namespace Restcomm.Roaming;

/// <summary>How a direction's period usage is discounted (GSMA BWRP models).</summary>
public enum DiscountKind
{
    /// <summary>The IOT charges as rated.</summary>
    None = 0,

    /// <summary>Every billed quantity of a listed service at the flat <see cref="ServiceDiscount.Price"/>.</summary>
    Flat = 1,

    /// <summary>Each band of billed quantity at its own tier price (like income tax brackets).</summary>
    TieredLinear = 2,

    /// <summary>The whole billed quantity at the price of the highest tier reached.</summary>
    TieredRetroactive = 3,

    /// <summary>Listed services at <see cref="ServiceDiscount.Price"/>; the home operator pays at least <see cref="DiscountModel.CommitmentAmount"/> (send or pay).</summary>
    Commitment = 4,

    /// <summary>The quantity matched by the opposite direction at <see cref="ServiceDiscount.BalancedPrice"/>, the excess at <see cref="ServiceDiscount.UnbalancedPrice"/>.</summary>
    BalancedUnbalanced = 5,
}

/// <summary>
/// The discount of one direction. Services not listed in <see cref="Services"/> keep their IOT charges (for every
/// kind); prices are minor units per the service's rate unit and tier thresholds are in the service's quantity
/// (seconds, events, bytes) of billed usage.
/// </summary>
public sealed record DiscountModel
{
    /// <summary>The model.</summary>
    public DiscountKind Kind { get; init; } = DiscountKind.None;

    /// <summary>The per-service parameters.</summary>
    public IReadOnlyList<ServiceDiscount> Services { get; init; } = [];

    /// <summary>For <see cref="DiscountKind.Commitment"/>: the least amount due for the period, in minor units.</summary>
    public long CommitmentAmount { get; init; }

    /// <summary>The parameters of a service, or null.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The parameters or null.</returns>
    public ServiceDiscount? For(RoamingService service) => Services.FirstOrDefault(s => s.Service == service);

    internal void Validate(string where, IReadOnlyList<ServiceRate> rates, List<string> problems)
    {
        if (!Enum.IsDefined(Kind))
        {
            problems.Add($"{where}: unknown discount kind");
            return;
        }

        if (Services.Select(s => s.Service).Distinct().Count() != Services.Count)
        {
            problems.Add($"{where}: a service has two discounts");
        }

        if (Kind == DiscountKind.Commitment && CommitmentAmount <= 0)
        {
            problems.Add($"{where}: a commitment discount needs a positive commitmentAmount");
        }

        if (Kind != DiscountKind.Commitment && CommitmentAmount != 0)
        {
            problems.Add($"{where}: commitmentAmount belongs to commitment discounts only");
        }

        foreach (var s in Services)
        {
            if (rates.All(r => r.Service != s.Service))
            {
                problems.Add($"{where}: discount for {s.Service}, which has no rate");
            }

            if (s.Price < 0 || s.BalancedPrice < 0 || s.UnbalancedPrice < 0 || s.Tiers.Any(t => t.Price < 0 || t.FromQuantity < 0))
            {
                problems.Add($"{where}/{s.Service}: discount prices and thresholds cannot be negative");
            }

            if (Kind is DiscountKind.TieredLinear or DiscountKind.TieredRetroactive)
            {
                if (s.Tiers.Count == 0 || s.Tiers[0].FromQuantity != 0)
                {
                    problems.Add($"{where}/{s.Service}: tiers must start at quantity 0");
                }

                for (var i = 1; i < s.Tiers.Count; i++)
                {
                    if (s.Tiers[i].FromQuantity <= s.Tiers[i - 1].FromQuantity)
                    {
                        problems.Add($"{where}/{s.Service}: tier thresholds must increase");
                    }
                }
            }
            else if (s.Tiers.Count > 0)
            {
                problems.Add($"{where}/{s.Service}: tiers belong to tiered discounts only");
            }
        }
    }
}

/// <summary>The discount parameters of one service.</summary>
public sealed record ServiceDiscount
{
    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>Flat and commitment models: minor units per rate unit.</summary>
    public long Price { get; init; }

    /// <summary>Tiered models: the tiers, the first from quantity 0, thresholds increasing.</summary>
    public IReadOnlyList<DiscountTier> Tiers { get; init; } = [];

    /// <summary>Balanced/unbalanced: price of the quantity matched by the opposite direction.</summary>
    public long BalancedPrice { get; init; }

    /// <summary>Balanced/unbalanced: price of the quantity beyond the opposite direction's.</summary>
    public long UnbalancedPrice { get; init; }
}

/// <summary>A tier: billed quantity from <see cref="FromQuantity"/> (inclusive) up to the next tier's threshold.</summary>
public sealed record DiscountTier
{
    /// <summary>Threshold in the service's quantity (seconds, events, bytes).</summary>
    public required long FromQuantity { get; init; }

    /// <summary>Minor units per rate unit.</summary>
    public required long Price { get; init; }
}
