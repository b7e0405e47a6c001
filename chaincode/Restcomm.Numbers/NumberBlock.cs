using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Numbers;

/// <summary>
/// A block of 10, 100, 1,000 or 10,000 consecutive numbers sharing every digit but the last 1 to 4, written as the
/// shared digits followed by one <c>x</c> per free digit: <c>+4420794600xx</c> is the 100 numbers +442079460000 …
/// +442079460099.
/// </summary>
[JsonConverter(typeof(NumberBlockIdJsonConverter))]
public readonly record struct NumberBlockId
{
    /// <summary>Most free digits (a 10,000-block).</summary>
    public const int MaxFreeDigits = 4;

    private NumberBlockId(ulong prefix, int freeDigits)
    {
        Prefix = prefix;
        FreeDigits = freeDigits;
    }

    /// <summary>The shared digits as a number.</summary>
    public ulong Prefix { get; }

    /// <summary>How many trailing digits vary (1 to 4).</summary>
    public int FreeDigits { get; }

    /// <summary>How many numbers the block holds.</summary>
    public int Size => (int)CountryCallingCodes.Pow10(FreeDigits);

    /// <summary>The first number.</summary>
    public E164Number First => E164Number.TryFromValue(Prefix * CountryCallingCodes.Pow10(FreeDigits), out var n) ? n : default;

    /// <summary>Whether <paramref name="number"/> lies in the block.</summary>
    /// <param name="number">A number.</param>
    /// <returns>True when inside.</returns>
    public bool Contains(E164Number number)
        => number.Length == E164Number.DigitCount(Prefix) + FreeDigits && number.Value / CountryCallingCodes.Pow10(FreeDigits) == Prefix;

    /// <summary>The block of <paramref name="freeDigits"/> free digits a number would belong to.</summary>
    /// <param name="number">The number.</param>
    /// <param name="freeDigits">1 to 4.</param>
    /// <returns>The block.</returns>
    public static NumberBlockId Containing(E164Number number, int freeDigits) => new(number.Value / CountryCallingCodes.Pow10(freeDigits), freeDigits);

    /// <summary>Parses <c>+</c>, digits and 1 to 4 trailing <c>x</c> (the <c>+</c> may be left out).</summary>
    /// <param name="text">The text.</param>
    /// <param name="block">The block.</param>
    /// <param name="error">Why it is not a block.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out NumberBlockId block, [NotNullWhen(false)] out string? error)
    {
        block = default;
        var free = 0;
        while (free < text.Length && text[text.Length - 1 - free] is 'x' or 'X')
        {
            free++;
        }

        if (free is 0 or > MaxFreeDigits)
        {
            error = "a block is its shared digits followed by 1 to 4 'x' for the free digits, e.g. +44207946xxxx (10,000 numbers)";
            return false;
        }

        var shared = text[..^free];
        Span<char> first = stackalloc char[shared.Length + free];
        shared.CopyTo(first);
        first[shared.Length..].Fill('0');
        if (!E164Number.TryParse(first, out var number, out var numberError))
        {
            error = $"the block's numbers are not E.164: {numberError}";
            return false;
        }

        block = Containing(number, free);
        error = null;
        return true;
    }

    /// <summary>Parses a block or throws <see cref="NumberRuleException"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The block.</returns>
    public static NumberBlockId Parse(string text)
        => TryParse(text.AsSpan(), out var block, out var error) ? block : throw new NumberRuleException(NumberRuleException.InvalidE164, $"'{text}' is not a number block: {error}");

    /// <summary><c>+</c>, the shared digits and one <c>x</c> per free digit.</summary>
    public override string ToString() => "+" + Prefix.ToString(CultureInfo.InvariantCulture) + new string('x', FreeDigits);
}

/// <summary>A block on the ledger: one serving provider and one profile for every number without a record of its own.</summary>
public sealed record NumberBlock
{
    /// <summary>The block.</summary>
    public required NumberBlockId Id { get; init; }

    /// <summary>The serving provider of the block's numbers (a number's own record, e.g. after a port, wins).</summary>
    public required string Provider { get; init; }

    /// <summary>The profile every number of the block has unless it has a record of its own.</summary>
    public required NumberProfile Profile { get; init; }

    /// <summary>When the block last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The transaction that last changed it.</summary>
    public required string TxId { get; init; }
}

/// <summary>What a provider submits to publish or update a block.</summary>
public sealed record BlockPublication
{
    /// <summary>The block.</summary>
    public required NumberBlockId Id { get; init; }

    /// <summary>The profile of its numbers.</summary>
    public NumberProfile Profile { get; init; } = new();
}

internal sealed class NumberBlockIdJsonConverter : JsonConverter<NumberBlockId>
{
    public override NumberBlockId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("a number block is a JSON string such as \"+44207946xxxx\"");
        }

        var text = reader.GetString()!;
        return NumberBlockId.TryParse(text.AsSpan(), out var block, out var error) ? block : throw new JsonException($"'{text}' is not a number block: {error}");
    }

    public override void Write(Utf8JsonWriter writer, NumberBlockId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
