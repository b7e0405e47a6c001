using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class RatingTests
{
    [Theory]
    [InlineData(61, 120, 240)]   // rounded up to two 60 s increments: 2 min × 120
    [InlineData(60, 60, 120)]
    [InlineData(1, 60, 120)]
    [InlineData(0, 0, 0)]        // nothing used, nothing charged
    public void Voice_is_rounded_up_to_the_charging_increment_and_priced_per_minute(long seconds, long billed, long charge)
    {
        var rate = new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 };

        Assert.Equal(new RatedCharge(billed, charge), Rating.Price(rate, seconds));
    }

    [Fact]
    public void Minimum_quantity_is_billed_for_a_short_call()
    {
        var rate = new ServiceRate { Service = RoamingService.MocHome, PricePerUnit = 100, ChargingIncrement = 1, MinimumQuantity = 30 };

        // 30 s × 100 / 60 = 50
        Assert.Equal(new RatedCharge(30, 50), Rating.Price(rate, 10));
        Assert.Equal(new RatedCharge(45, 75), Rating.Price(rate, 45));
    }

    [Fact]
    public void Minimum_charge_applies_when_the_priced_amount_is_lower()
    {
        var rate = new ServiceRate { Service = RoamingService.Mtc, PricePerUnit = 7, MinimumCharge = 1 };

        // 1 s × 7 / 60 = 0.117 → 0, raised to the minimum charge of 1
        Assert.Equal(new RatedCharge(1, 1), Rating.Price(rate, 1));
    }

    [Theory]
    [InlineData(1, 1)]    // 1 × 30 / 60 = 0.5 → 1 (half up)
    [InlineData(3, 2)]    // 1.5 → 2
    [InlineData(5, 3)]    // 2.5 → 3
    [InlineData(7, 4)]    // 3.5 → 4
    [InlineData(9, 5)]
    public void Halves_round_up(long seconds, long charge)
    {
        var rate = new ServiceRate { Service = RoamingService.Mtc, PricePerUnit = 30 };

        Assert.Equal(charge, Rating.Price(rate, seconds).ChargeMinor);
    }

    [Fact]
    public void Data_is_priced_per_megabyte_of_1048576_bytes_after_the_increment()
    {
        var rate = new ServiceRate { Service = RoamingService.Data, PricePerUnit = 2000, ChargingIncrement = 1024 };

        Assert.Equal(new RatedCharge(1_572_864, 3000), Rating.Price(rate, 1_572_864));
        // 1 byte → one 1 KB increment: 1024 × 2000 / 1048576 = 1.95 → 2
        Assert.Equal(new RatedCharge(1024, 2), Rating.Price(rate, 1));
    }

    [Theory]
    [InlineData(5, 10, 1)]
    [InlineData(4, 10, 0)]
    [InlineData(15, 10, 2)]
    [InlineData(-5, 10, -1)]   // half away from zero
    [InlineData(-4, 10, 0)]
    [InlineData(-15, 10, -2)]
    public void Division_rounds_half_away_from_zero(long numerator, long denominator, long expected)
        => Assert.Equal(expected, Rating.DivideRounded(numerator, denominator));

    [Theory]
    [InlineData(12345, 5, 3, 123)]    // 0.12345 → 0.123
    [InlineData(12350, 5, 3, 124)]    // 0.12350 → 0.124
    [InlineData(12, 2, 3, 120)]       // exact
    [InlineData(777, 3, 3, 777)]
    public void Rescaling_is_exact_upwards_and_rounded_half_up_downwards(long amount, int from, int to, long expected)
        => Assert.Equal(expected, Rating.Rescale(amount, from, to));

    [Fact]
    public void A_very_large_quantity_does_not_overflow_the_intermediate_product()
    {
        var rate = new ServiceRate { Service = RoamingService.Data, PricePerUnit = 9_000_000_000 };

        // 2^40 bytes = 2^20 MB; × 9e9 overflows a long before the division.
        Assert.Equal(9_000_000_000L * 1_048_576, Rating.Price(rate, 1L << 40).ChargeMinor);
    }
}
