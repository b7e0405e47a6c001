namespace Restcomm.Roaming;

/// <summary>A priced quantity.</summary>
/// <param name="BilledQuantity">The quantity after the charging increment and minimum (seconds, events, bytes).</param>
/// <param name="ChargeMinor">The charge in minor units at the agreement's decimal places.</param>
public readonly record struct RatedCharge(long BilledQuantity, long ChargeMinor);

/// <summary>
/// Integer pricing. Rounding rule, everywhere in the roaming domain: a quotient is rounded half away from zero
/// (half up for the non-negative amounts of usage), once, at the end of each price computation.
/// </summary>
public static class Rating
{
    /// <summary>
    /// Prices a quantity at an IOT rate: zero stays zero; otherwise billed = max(MinimumQuantity, quantity rounded up
    /// to a multiple of ChargingIncrement) and charge = max(MinimumCharge, round(billed × PricePerUnit / rate unit)).
    /// </summary>
    /// <param name="rate">The rate.</param>
    /// <param name="quantity">Seconds, events or bytes (not negative).</param>
    /// <returns>The billed quantity and the charge.</returns>
    public static RatedCharge Price(ServiceRate rate, long quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        if (quantity == 0)
        {
            return new RatedCharge(0, 0);
        }

        var increment = Math.Max(1, rate.ChargingIncrement);
        var billed = checked((quantity + increment - 1) / increment * increment);
        billed = Math.Max(billed, rate.MinimumQuantity);
        var charge = DivideRounded((Int128)billed * rate.PricePerUnit, rate.Service.RateUnit());
        return new RatedCharge(billed, Math.Max(charge, rate.MinimumCharge));
    }

    /// <summary>An amount of <paramref name="quantity"/> at <paramref name="price"/> minor units per rate unit, rounded once.</summary>
    /// <param name="service">The service (its rate unit).</param>
    /// <param name="quantity">The quantity.</param>
    /// <param name="price">Minor units per rate unit.</param>
    /// <returns>The amount in minor units.</returns>
    public static long Amount(RoamingService service, long quantity, long price)
        => DivideRounded((Int128)quantity * price, service.RateUnit());

    /// <summary>Divides, rounding half away from zero.</summary>
    /// <param name="numerator">The numerator.</param>
    /// <param name="denominator">A positive denominator.</param>
    /// <returns>The rounded quotient.</returns>
    public static long DivideRounded(Int128 numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var negative = numerator < 0;
        var magnitude = negative ? -numerator : numerator;
        var quotient = magnitude / denominator;
        if (magnitude % denominator * 2 >= denominator)
        {
            quotient++;
        }

        return checked((long)(negative ? -quotient : quotient));
    }

    /// <summary>Expresses an amount at other decimal places (more places: exact; fewer: rounded half away from zero).</summary>
    /// <param name="amount">Minor units at <paramref name="fromDecimalPlaces"/>.</param>
    /// <param name="fromDecimalPlaces">Its decimal places.</param>
    /// <param name="toDecimalPlaces">The wanted decimal places.</param>
    /// <returns>Minor units at <paramref name="toDecimalPlaces"/>.</returns>
    public static long Rescale(long amount, int fromDecimalPlaces, int toDecimalPlaces)
    {
        if (fromDecimalPlaces == toDecimalPlaces)
        {
            return amount;
        }

        return toDecimalPlaces > fromDecimalPlaces
            ? checked(amount * Pow10(toDecimalPlaces - fromDecimalPlaces))
            : DivideRounded(amount, Pow10(fromDecimalPlaces - toDecimalPlaces));
    }

    private static long Pow10(int exponent)
    {
        var value = 1L;
        for (var i = 0; i < exponent; i++)
        {
            value = checked(value * 10);
        }

        return value;
    }
}
