namespace Restcomm.Roaming;

/// <summary>The discount of one service in one direction.</summary>
public sealed record ServiceSettlement
{
    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>The accepted usage.</summary>
    public required ServiceUsage Usage { get; init; }

    /// <summary>The amount after the discount model, minor units (the IOT charge when the service has no discount).</summary>
    public required long DiscountedMinor { get; init; }
}

/// <summary>What a direction's discount gives.</summary>
public sealed record DiscountResult
{
    /// <summary>Per service.</summary>
    public required IReadOnlyList<ServiceSettlement> Services { get; init; }

    /// <summary>Sum of the IOT charges.</summary>
    public required long ChargeMinor { get; init; }

    /// <summary>Sum of the discounted service amounts.</summary>
    public required long DiscountedMinor { get; init; }

    /// <summary>Commitment only: what the home operator pays on top to reach the commitment (0 otherwise).</summary>
    public required long ShortfallMinor { get; init; }

    /// <summary>What the home operator owes: discounted amounts plus the shortfall.</summary>
    public long PayableMinor => DiscountedMinor + ShortfallMinor;
}

/// <summary>
/// Applies a direction's discount to its accepted period usage. Arithmetic per service, on billed quantities Q
/// (seconds, events, bytes), prices P in minor units per rate unit U (60 s, 1 SMS, 1,048,576 bytes), one rounding per
/// service (half away from zero):
/// <list type="bullet">
/// <item>none, or a service without parameters: its IOT charge;</item>
/// <item>flat: round(Q × P / U);</item>
/// <item>tiered linear: round(Σ bandᵢ × Pᵢ / U), bandᵢ = the part of Q between tier i's threshold and the next one's;</item>
/// <item>tiered retroactive: round(Q × Pₖ / U), k the highest tier whose threshold is ≤ Q;</item>
/// <item>commitment: each service as flat; then shortfall = max(0, commitment − Σ services);</item>
/// <item>balanced/unbalanced: B = min(Q, Q of the same service in the opposite direction);
/// round((B × balanced P + (Q − B) × unbalanced P) / U).</item>
/// </list>
/// </summary>
public static class DiscountCalculator
{
    /// <summary>Applies a model.</summary>
    /// <param name="model">The direction's discount.</param>
    /// <param name="usage">The direction's accepted usage per service.</param>
    /// <param name="opposite">The opposite direction's accepted usage (balanced/unbalanced only).</param>
    /// <returns>The result.</returns>
    public static DiscountResult Apply(DiscountModel model, IReadOnlyList<ServiceUsage> usage, IReadOnlyList<ServiceUsage> opposite)
    {
        var services = new List<ServiceSettlement>();
        foreach (var u in ServiceUsage.Sum(usage))
        {
            var parameters = model.For(u.Service);
            var discounted = parameters is null || model.Kind == DiscountKind.None
                ? u.ChargeMinor
                : Discounted(model.Kind, parameters, u, opposite.Where(o => o.Service == u.Service).Sum(o => o.BilledQuantity));
            services.Add(new ServiceSettlement { Service = u.Service, Usage = u, DiscountedMinor = discounted });
        }

        var charge = services.Sum(s => s.Usage.ChargeMinor);
        var total = services.Sum(s => s.DiscountedMinor);
        var shortfall = model.Kind == DiscountKind.Commitment ? Math.Max(0, model.CommitmentAmount - total) : 0;
        return new DiscountResult { Services = services, ChargeMinor = charge, DiscountedMinor = total, ShortfallMinor = shortfall };
    }

    private static long Discounted(DiscountKind kind, ServiceDiscount p, ServiceUsage u, long oppositeBilled)
    {
        var q = u.BilledQuantity;
        var unit = u.Service.RateUnit();
        switch (kind)
        {
            case DiscountKind.Flat:
            case DiscountKind.Commitment:
                return Rating.Amount(u.Service, q, p.Price);
            case DiscountKind.TieredLinear:
            {
                Int128 sum = 0;
                for (var i = 0; i < p.Tiers.Count; i++)
                {
                    var from = p.Tiers[i].FromQuantity;
                    var to = i + 1 < p.Tiers.Count ? p.Tiers[i + 1].FromQuantity : long.MaxValue;
                    var band = Math.Clamp(q - from, 0, to - from);
                    sum += (Int128)band * p.Tiers[i].Price;
                }

                return Rating.DivideRounded(sum, unit);
            }

            case DiscountKind.TieredRetroactive:
            {
                var tier = p.Tiers.Last(t => t.FromQuantity <= q);
                return Rating.Amount(u.Service, q, tier.Price);
            }

            case DiscountKind.BalancedUnbalanced:
            {
                var balanced = Math.Min(q, oppositeBilled);
                return Rating.DivideRounded((Int128)balanced * p.BalancedPrice + (Int128)(q - balanced) * p.UnbalancedPrice, unit);
            }

            default:
                return u.ChargeMinor;
        }
    }
}
