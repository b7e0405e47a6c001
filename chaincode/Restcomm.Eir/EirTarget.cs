using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>What an EIR entry covers.</summary>
public enum EirTargetKind
{
    /// <summary>One device (one IMEI).</summary>
    Imei,

    /// <summary>A contiguous range of serial numbers within one TAC.</summary>
    Range,

    /// <summary>Every serial number of a TAC (a whole device model).</summary>
    Tac,
}

/// <summary>
/// The devices an EIR entry covers: serial numbers <see cref="FirstSerial"/>..<see cref="LastSerial"/>
/// (inclusive) of one <see cref="Tac"/>. One serial is a single IMEI; 000000-999999 is the whole TAC.
/// Its text form (<see cref="ToString()"/>) is the 15-digit IMEI, the 8-digit TAC, or <c>TAC:FIRST-LAST</c>
/// with 6-digit serials, e.g. <c>35209900:000100-000199</c>.
/// </summary>
[JsonConverter(typeof(EirTargetJsonConverter))]
public readonly struct EirTarget : IEquatable<EirTarget>, IFormattable
{
    private const int MaxSerial = Imei.SerialsPerTac - 1;

    private EirTarget(Tac tac, int first, int last)
    {
        Tac = tac;
        FirstSerial = first;
        LastSerial = last;
    }

    /// <summary>The device model.</summary>
    public Tac Tac { get; }

    /// <summary>First covered serial number (inclusive).</summary>
    public int FirstSerial { get; }

    /// <summary>Last covered serial number (inclusive).</summary>
    public int LastSerial { get; }

    /// <summary>Whether this is one IMEI, a serial range or a whole TAC.</summary>
    public EirTargetKind Kind => FirstSerial == LastSerial
        ? EirTargetKind.Imei
        : FirstSerial == 0 && LastSerial == MaxSerial ? EirTargetKind.Tac : EirTargetKind.Range;

    /// <summary>How many IMEIs are covered.</summary>
    public int Count => LastSerial - FirstSerial + 1;

    /// <summary>The single IMEI covered (only when <see cref="Kind"/> is <see cref="EirTargetKind.Imei"/>).</summary>
    /// <exception cref="InvalidOperationException">The target covers more than one IMEI.</exception>
    public Imei Imei => Kind == EirTargetKind.Imei
        ? Imei.FromParts(Tac, FirstSerial)
        : throw new InvalidOperationException($"Target {this} covers {Count} IMEIs, not one.");

    /// <summary>A target covering one IMEI.</summary>
    public static EirTarget ForImei(Imei imei) => new(imei.Tac, imei.Serial, imei.Serial);

    /// <summary>A target covering every serial of a TAC.</summary>
    public static EirTarget ForTac(Tac tac) => new(tac, 0, MaxSerial);

    /// <summary>A target covering serials <paramref name="first"/>..<paramref name="last"/> of a TAC.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A serial is outside 0-999999 or first &gt; last.</exception>
    public static EirTarget ForRange(Tac tac, int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, MaxSerial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        return new EirTarget(tac, first, last);
    }

    /// <summary>Whether <paramref name="imei"/> is covered.</summary>
    public bool Covers(Imei imei) => imei.Tac == Tac && imei.Serial >= FirstSerial && imei.Serial <= LastSerial;

    /// <summary>
    /// Parses the text form: an IMEI (15 digits) or IMEISV (16), a TAC (8 digits), or <c>TAC:FIRST-LAST</c>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="target">The target when the text is valid.</param>
    /// <param name="error">A sentence naming the problem when it is not.</param>
    public static bool TryParse(string? text, out EirTarget target, out string? error)
    {
        target = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "The target is empty; give an IMEI (15 digits), a TAC (8 digits) or a range TAC:FIRST-LAST.";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            if (text.Length == Tac.Length && Tac.TryParse(text, out var whole))
            {
                target = ForTac(whole);
                error = null;
                return true;
            }

            if (Imei.TryParse(text.AsSpan(), out var imei, out var problem))
            {
                target = ForImei(imei);
                error = null;
                return true;
            }

            error = Imei.Describe(text, problem);
            return false;
        }

        var span = text.AsSpan();
        var dash = text.IndexOf('-', colon + 1);
        if (!Tac.TryParse(span[..colon], out var tac)
            || dash < 0
            || !TryParseSerial(span[(colon + 1)..dash], out var first)
            || !TryParseSerial(span[(dash + 1)..], out var last))
        {
            error = $"Range '{text}' is not valid; a range is TAC:FIRST-LAST with an 8-digit TAC and 6-digit serial numbers, e.g. 35209900:000100-000199.";
            return false;
        }

        if (first > last)
        {
            error = $"Range '{text}' is empty: its first serial {first:D6} is after its last {last:D6}.";
            return false;
        }

        target = new EirTarget(tac, first, last);
        error = null;
        return true;
    }

    /// <summary>Parses the text form.</summary>
    /// <exception cref="FormatException">The text is not a target; the message says why.</exception>
    public static EirTarget Parse(string text)
        => TryParse(text, out var target, out var error) ? target : throw new FormatException(error);

    private static bool TryParseSerial(ReadOnlySpan<char> s, out int serial)
    {
        serial = 0;
        if (s.Length != 6)
        {
            return false;
        }

        foreach (var c in s)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            serial = (serial * 10) + (int)d;
        }

        return true;
    }

    /// <summary>The text form (<see cref="ToString()"/>); the target has no other formats.</summary>
    /// <param name="format">Ignored.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <returns>The text form.</returns>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>The canonical text form (also the ledger key component).</summary>
    public override string ToString() => Kind switch
    {
        EirTargetKind.Imei => Imei.ToString(),
        EirTargetKind.Tac => Tac.ToString(),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Tac}:{FirstSerial:D6}-{LastSerial:D6}"),
    };

    /// <inheritdoc />
    public bool Equals(EirTarget other)
        => Tac == other.Tac && FirstSerial == other.FirstSerial && LastSerial == other.LastSerial;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EirTarget other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tac, FirstSerial, LastSerial);

    /// <summary>Equality.</summary>
    public static bool operator ==(EirTarget left, EirTarget right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(EirTarget left, EirTarget right) => !left.Equals(right);
}

/// <summary>Reads and writes an <see cref="EirTarget"/> as its text form.</summary>
public sealed class EirTargetJsonConverter : JsonConverter<EirTarget>
{
    /// <inheritdoc />
    public override EirTarget Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("An EIR target is a JSON string: an IMEI, a TAC or TAC:FIRST-LAST.");
        }

        return EirTarget.TryParse(reader.GetString(), out var target, out var error)
            ? target
            : throw new JsonException(error);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, EirTarget value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToString());
}
