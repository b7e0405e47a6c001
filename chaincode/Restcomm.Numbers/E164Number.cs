using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Numbers;

/// <summary>
/// An E.164 telephone number: <c>+</c>, a country calling code from the ITU list (<see cref="CountryCallingCodes"/>),
/// 8 to 15 digits in all. Held as its digits in a <see cref="ulong"/> (a country code never starts with 0, so the value
/// alone gives the digits back), which is also the key of the lookup index.
/// </summary>
[JsonConverter(typeof(E164NumberJsonConverter))]
public readonly record struct E164Number : IComparable<E164Number>
{
    /// <summary>Fewest digits (country code included) accepted.</summary>
    public const int MinDigits = 8;

    /// <summary>Most digits E.164 allows.</summary>
    public const int MaxDigits = 15;

    private E164Number(ulong value) => Value = value;

    /// <summary>The digits as a number, e.g. 447700900123 for <c>+447700900123</c>.</summary>
    public ulong Value { get; }

    /// <summary>How many digits the number has.</summary>
    public int Length => DigitCount(Value);

    /// <summary>The country calling code (1 to 3 digits).</summary>
    public int CountryCode => CountryCallingCodes.Of(Value, Length);

    /// <summary>Parses <c>+</c> followed by digits; a missing <c>+</c> is accepted (URL paths and CSV files drop it).</summary>
    /// <param name="text">The text.</param>
    /// <param name="number">The number.</param>
    /// <param name="error">Why the text is not an E.164 number.</param>
    /// <returns>True when the text is a valid E.164 number.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out E164Number number, [NotNullWhen(false)] out string? error)
    {
        number = default;
        var digits = text.Length > 0 && text[0] == '+' ? text[1..] : text;
        if (digits.Length is < MinDigits or > MaxDigits)
        {
            error = $"an E.164 number has {MinDigits} to {MaxDigits} digits after '+', not {digits.Length}";
            return false;
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                error = "an E.164 number is '+' followed by digits only (no spaces, dashes or letters)";
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        if (digits[0] == '0')
        {
            error = "an E.164 number starts with a country calling code, never 0";
            return false;
        }

        if (CountryCallingCodes.Of(value, digits.Length) == 0)
        {
            error = $"+{digits[..Math.Min(3, digits.Length)]}… does not start with a country calling code assigned by the ITU";
            return false;
        }

        number = new E164Number(value);
        error = null;
        return true;
    }

    /// <summary>Parses a number or throws <see cref="NumberRuleException"/> (<c>numbers-invalid-e164</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number.</returns>
    public static E164Number Parse(string text)
        => TryParse(text.AsSpan(), out var number, out var error)
            ? number
            : throw new NumberRuleException(NumberRuleException.InvalidE164, $"'{text}' is not an E.164 number: {error}");

    /// <summary>A number from its digits as a value (the index's key); false when it is not valid E.164.</summary>
    /// <param name="value">The digits as a number.</param>
    /// <param name="number">The number.</param>
    /// <returns>True when valid.</returns>
    public static bool TryFromValue(ulong value, out E164Number number)
    {
        var length = DigitCount(value);
        number = new E164Number(value);
        return length is >= MinDigits and <= MaxDigits && CountryCallingCodes.Of(value, length) != 0;
    }

    /// <summary>How many decimal digits a value has (1 for 0).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Its digit count.</returns>
    public static int DigitCount(ulong value)
    {
        var n = 1;
        while (value >= 10)
        {
            value /= 10;
            n++;
        }

        return n;
    }

    /// <inheritdoc />
    public int CompareTo(E164Number other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary><c>+</c> and the digits.</summary>
    public override string ToString() => "+" + Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The digits without <c>+</c> (keys and URL paths).</summary>
    public string Digits => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes an <see cref="E164Number"/> as its <c>+digits</c> text.</summary>
internal sealed class E164NumberJsonConverter : JsonConverter<E164Number>
{
    public override E164Number Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("an E.164 number is a JSON string such as \"+447700900123\"");
        }

        var text = reader.GetString()!;
        return E164Number.TryParse(text.AsSpan(), out var number, out var error) ? number : throw new JsonException($"'{text}' is not an E.164 number: {error}");
    }

    public override void Write(Utf8JsonWriter writer, E164Number value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
