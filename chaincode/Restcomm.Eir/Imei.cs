using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>
/// An International Mobile Equipment Identity: 8-digit TAC, 6-digit serial number (SNR) and the Luhn check
/// digit computed over those 14 digits. An IMEISV (14 digits + 2-digit software version) parses to the IMEI
/// of the same device.
/// </summary>
[JsonConverter(typeof(ImeiJsonConverter))]
public readonly struct Imei : IEquatable<Imei>, IComparable<Imei>, ISpanFormattable
{
    /// <summary>Digits in an IMEI.</summary>
    public const int Length = 15;

    /// <summary>Digits in an IMEISV.</summary>
    public const int SoftwareVersionLength = 16;

    /// <summary>Serial numbers per TAC (000000-999999).</summary>
    public const int SerialsPerTac = 1_000_000;

    private readonly long _body;

    private Imei(long body) => _body = body;

    /// <summary>The 14 digits before the check digit (TAC × 10⁶ + serial), the device's identity.</summary>
    public long Body => _body;

    /// <summary>Type Allocation Code: the first 8 digits.</summary>
    public Tac Tac => new((int)(_body / SerialsPerTac));

    /// <summary>Serial number (SNR): digits 9-14, 0-999999.</summary>
    public int Serial => (int)(_body % SerialsPerTac);

    /// <summary>The Luhn check digit (15th digit).</summary>
    public int CheckDigit => LuhnCheckDigit(_body);

    /// <summary>Builds the IMEI of a TAC and serial number, computing its check digit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The serial is outside 0-999999.</exception>
    public static Imei FromParts(Tac tac, int serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serial, SerialsPerTac);
        return new Imei(((long)tac.Value * SerialsPerTac) + serial);
    }

    /// <summary>Builds the IMEI whose first 14 digits are <paramref name="body"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The body has more than 14 digits or is negative.</exception>
    public static Imei FromBody(long body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(body);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(body, 100_000_000_000_000L);
        return new Imei(body);
    }

    /// <summary>Parses an IMEI (15 digits) or IMEISV (16 digits).</summary>
    /// <exception cref="ImeiFormatException">The text is not an IMEI; the message says why.</exception>
    public static Imei Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out var imei, out var problem)
            ? imei
            : throw new ImeiFormatException(text, problem);
    }

    /// <summary>Parses an IMEI (15 digits) or IMEISV (16 digits).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Imei imei)
        => TryParse(text.AsSpan(), out imei, out _);

    /// <summary>Parses an IMEI (15 digits) or IMEISV (16 digits), saying what is wrong when it fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Imei imei, out ImeiProblem problem)
    {
        imei = default;
        if (text.IsEmpty)
        {
            problem = ImeiProblem.Empty;
            return false;
        }

        long value = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d > 9)
            {
                problem = ImeiProblem.NonDigit;
                return false;
            }

            // Only the first 14 digits form the body; later ones are the check digit or the software version.
            if (i < 14)
            {
                value = (value * 10) + d;
            }
        }

        return Finish(text.Length, value, text.Length >= Length ? text[14] - '0' : -1, out imei, out problem);
    }

    /// <summary>Parses an IMEI or IMEISV from UTF-8 bytes (the allocation-free path for bulk checks).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Imei imei, out ImeiProblem problem)
    {
        imei = default;
        if (utf8.IsEmpty)
        {
            problem = ImeiProblem.Empty;
            return false;
        }

        long value = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var d = (uint)(utf8[i] - '0');
            if (d > 9)
            {
                problem = ImeiProblem.NonDigit;
                return false;
            }

            if (i < 14)
            {
                value = (value * 10) + d;
            }
        }

        return Finish(utf8.Length, value, utf8.Length >= Length ? utf8[14] - '0' : -1, out imei, out problem);
    }

    private static bool Finish(int length, long body, int fifteenth, out Imei imei, out ImeiProblem problem)
    {
        imei = default;
        if (length is not (Length or SoftwareVersionLength))
        {
            problem = ImeiProblem.WrongLength;
            return false;
        }

        // An IMEISV has no check digit: its last two digits are the software version number.
        if (length == Length && LuhnCheckDigit(body) != fifteenth)
        {
            problem = ImeiProblem.WrongCheckDigit;
            return false;
        }

        imei = new Imei(body);
        problem = ImeiProblem.None;
        return true;
    }

    /// <summary>A sentence naming what is wrong with <paramref name="input"/>, suitable for an API error.</summary>
    public static string Describe(string input, ImeiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (problem)
        {
            case ImeiProblem.None:
                return $"'{input}' is a valid IMEI.";
            case ImeiProblem.Empty:
                return "The IMEI is empty; an IMEI has 15 digits (or 16 for an IMEISV).";
            case ImeiProblem.NonDigit:
                var at = 0;
                while (at < input.Length && char.IsAsciiDigit(input[at]))
                {
                    at++;
                }

                var shown = at < input.Length ? Printable(input[at]) : "?";
                return $"IMEI '{Shorten(input)}' has a non-digit character {shown} at position {at + 1}; an IMEI has only the digits 0-9.";
            case ImeiProblem.WrongLength:
                return $"IMEI '{Shorten(input)}' has {input.Length} digits; an IMEI has 15 digits (or 16 for an IMEISV).";
            case ImeiProblem.WrongCheckDigit:
                var body = long.Parse(input.AsSpan(0, 14), NumberStyles.None, CultureInfo.InvariantCulture);
                return $"IMEI '{input}' has check digit {input[14]}, but the Luhn check digit over its first 14 digits is {LuhnCheckDigit(body)}.";
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, null);
        }
    }

    /// <summary>The Luhn check digit of a 14-digit body, as TS 23.003 defines it for the IMEI.</summary>
    public static int LuhnCheckDigit(long body)
    {
        // From the rightmost body digit leftwards, every other digit (starting with the rightmost) is doubled
        // and the digits of the product are added.
        var sum = 0;
        var doubled = true;
        for (var i = 0; i < 14; i++)
        {
            var d = (int)(body % 10);
            body /= 10;
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>The 15 digits.</summary>
    public override string ToString() => string.Create(Length, this, static (span, imei) => imei.TryFormat(span, out _, default, null));

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < Length)
        {
            charsWritten = 0;
            return false;
        }

        var v = _body;
        for (var i = 13; i >= 0; i--)
        {
            destination[i] = (char)('0' + (int)(v % 10));
            v /= 10;
        }

        destination[14] = (char)('0' + CheckDigit);
        charsWritten = Length;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Imei other) => _body == other._body;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Imei other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _body.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(Imei other) => _body.CompareTo(other._body);

    /// <summary>Equality.</summary>
    public static bool operator ==(Imei left, Imei right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Imei left, Imei right) => !left.Equals(right);

    /// <summary>Ordering by digits.</summary>
    public static bool operator <(Imei left, Imei right) => left._body < right._body;

    /// <summary>Ordering by digits.</summary>
    public static bool operator >(Imei left, Imei right) => left._body > right._body;

    /// <summary>Ordering by digits.</summary>
    public static bool operator <=(Imei left, Imei right) => left._body <= right._body;

    /// <summary>Ordering by digits.</summary>
    public static bool operator >=(Imei left, Imei right) => left._body >= right._body;

    private static string Shorten(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    private static string Printable(char c)
        => char.IsControl(c) || char.IsWhiteSpace(c)
            ? $"U+{(int)c:X4}"
            : $"'{c}'";
}

/// <summary>Reads and writes an <see cref="Imei"/> as a JSON string of 15 digits.</summary>
public sealed class ImeiJsonConverter : JsonConverter<Imei>
{
    /// <inheritdoc />
    public override Imei Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("An IMEI is a JSON string of 15 digits.");
        }

        var text = reader.GetString()!;
        return Imei.TryParse(text.AsSpan(), out var imei, out var problem)
            ? imei
            : throw new ImeiFormatException(text, problem);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Imei value, JsonSerializerOptions options)
    {
        Span<char> digits = stackalloc char[Imei.Length];
        value.TryFormat(digits, out _, default, null);
        writer.WriteStringValue(digits);
    }
}
