namespace Restcomm.Fabric.Shim.Tests;

public sealed class CompositeKeyTests
{
    [Fact]
    public void A_composite_key_is_nul_separated_and_nul_terminated()
    {
        Assert.Equal("\0imei\u0000490154203237518\0black\0", CompositeKey.Create("imei", "490154203237518", "black"));
        Assert.Equal("\0type\0", CompositeKey.Create("type"));
    }

    [Fact]
    public void Splitting_returns_the_object_type_and_attributes()
    {
        var (objectType, attributes) = CompositeKey.Split(CompositeKey.Create("tap", "AAAA1", "", "7"));

        Assert.Equal("tap", objectType);
        Assert.Equal(["AAAA1", "", "7"], attributes);
    }

    [Fact]
    public void Parts_with_reserved_characters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CompositeKey.Create("a\0b"));
        Assert.Throws<ArgumentException>(() => CompositeKey.Create("a", "x\U0010FFFF"));
        Assert.Throws<ArgumentException>(() => CompositeKey.Split("plain"));
    }

    [Fact]
    public void A_partial_range_ends_at_the_highest_code_point()
    {
        var (start, end) = CompositeKey.PartialRange("tap", ["AAAA1"]);

        Assert.Equal("\0tap\0AAAA1\0", start);
        Assert.Equal("\0tap\0AAAA1\0\U0010FFFF", end);
    }
}
