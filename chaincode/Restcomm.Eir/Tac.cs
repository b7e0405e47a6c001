using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Restcomm.Eir;

/// <summary>Type Allocation Code: the 8 digits that identify a device model (first 8 digits of its IMEI).</summary>
public readonly struct Tac : IEquatable<Tac>, IComparable<Tac>
{
    /// <summary>Digits in a TAC.</summary>
    public const int Length = 8;

    /// <summary>Creates a TAC from its numeric value (0-99999999).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value has more than 8 digits or is negative.</exception>
    public Tac(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 99_999_999);
        Value = value;
    }

    /// <summary>The numeric value of the 8 digits.</summary>
    public int Value { get; }

    /// <summary>Parses exactly 8 digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Tac tac)
    {
        tac = default;
        if (text.Length != Length)
        {
            return false;
        }

        var v = 0;
        foreach (var c in text)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            v = (v * 10) + (int)d;
        }

        tac = new Tac(v);
        return true;
    }

    /// <summary>Parses exactly 8 digits.</summary>
    /// <exception cref="FormatException">The text is not 8 digits.</exception>
    public static Tac Parse([NotNull] string? text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var tac)
            ? tac
            : throw new FormatException($"TAC '{text}' is not valid; a TAC (type allocation code) has exactly 8 digits.");
    }

    /// <summary>The 8 digits, with leading zeros.</summary>
    public override string ToString() => Value.ToString("D8", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(Tac other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Tac other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value;

    /// <inheritdoc />
    public int CompareTo(Tac other) => Value.CompareTo(other.Value);

    /// <summary>Equality.</summary>
    public static bool operator ==(Tac left, Tac right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Tac left, Tac right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Tac left, Tac right) => left.Value < right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >(Tac left, Tac right) => left.Value > right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Tac left, Tac right) => left.Value <= right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Tac left, Tac right) => left.Value >= right.Value;
}
