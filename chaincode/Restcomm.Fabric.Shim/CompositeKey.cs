using System.Text;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// Fabric's composite key encoding: <c>U+0000 objectType U+0000 attr1 U+0000 … attrN U+0000</c>. Composite keys live
/// in their own key space, so plain range queries never return them.
/// </summary>
public static class CompositeKey
{
    /// <summary>The character that starts a composite key and ends each of its parts.</summary>
    public const char Separator = '\u0000';

    /// <summary>The start key Fabric substitutes for an empty range start (U+0001).</summary>
    public const string EmptyRangeStart = "\u0001";

    /// <summary>The highest code point; it ends the range of a partial composite key.</summary>
    public const string MaxUnicodeRune = "\U0010FFFF";

    /// <summary>Creates a composite key.</summary>
    /// <param name="objectType">The object type (must not contain U+0000 or U+10FFFF).</param>
    /// <param name="attributes">The attributes (same restriction).</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">A part contains a reserved character.</exception>
    public static string Create(string objectType, params IReadOnlyList<string> attributes)
    {
        Validate(objectType, nameof(objectType));
        var builder = new StringBuilder(objectType.Length + 2 + (attributes.Count * 8));
        builder.Append(Separator).Append(objectType).Append(Separator);
        foreach (var attribute in attributes)
        {
            Validate(attribute, nameof(attributes));
            builder.Append(attribute).Append(Separator);
        }

        return builder.ToString();
    }

    /// <summary>Splits a composite key into its object type and attributes.</summary>
    /// <param name="compositeKey">The key.</param>
    /// <returns>The object type and attributes.</returns>
    /// <exception cref="ArgumentException">The key is not a composite key.</exception>
    public static (string ObjectType, IReadOnlyList<string> Attributes) Split(string compositeKey)
    {
        if (compositeKey.Length < 2 || compositeKey[0] != Separator || compositeKey[^1] != Separator)
        {
            throw new ArgumentException("not a composite key (it must start and end with U+0000)", nameof(compositeKey));
        }

        var parts = compositeKey[1..^1].Split(Separator);
        return (parts[0], parts[1..]);
    }

    /// <summary>True when the key is in the composite key space (starts with U+0000).</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the key is composite.</returns>
    public static bool IsComposite(string key) => key.Length > 0 && key[0] == Separator;

    /// <summary>The [start, end) range covering every composite key of a type whose first attributes match.</summary>
    /// <param name="objectType">The object type.</param>
    /// <param name="attributes">Leading attributes.</param>
    /// <returns>The range.</returns>
    public static (string StartKey, string EndKey) PartialRange(string objectType, IReadOnlyList<string> attributes)
    {
        var start = Create(objectType, attributes);
        return (start, start + MaxUnicodeRune);
    }

    /// <summary>Checks that range bounds are simple (non-composite) keys and substitutes U+0001 for an empty start.</summary>
    /// <param name="startKey">The start key.</param>
    /// <param name="endKey">The end key.</param>
    /// <returns>The range to send to the peer.</returns>
    /// <exception cref="ArgumentException">A bound is a composite key.</exception>
    public static (string StartKey, string EndKey) SimpleRange(string startKey, string endKey)
    {
        if (startKey.Length == 0)
        {
            startKey = EmptyRangeStart;
        }

        if (IsComposite(startKey) || IsComposite(endKey))
        {
            throw new ArgumentException("range bounds must be simple keys; use the partial composite key query for composite keys");
        }

        return (startKey, endKey);
    }

    private static void Validate(string part, string parameterName)
    {
        if (part.Contains(Separator, StringComparison.Ordinal) || part.Contains(MaxUnicodeRune, StringComparison.Ordinal))
        {
            throw new ArgumentException("composite key parts must not contain U+0000 or U+10FFFF", parameterName);
        }
    }
}
