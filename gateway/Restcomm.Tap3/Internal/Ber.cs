using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Restcomm.Tap3.Internal;

/// <summary>One decoded TLV: where it starts, where its content lies and where it ends (all relative to the span).</summary>
internal readonly struct BerElement
{
    public BerElement(int tag, bool constructed, int start, int contentStart, int contentEnd, int end)
    {
        Tag = tag;
        Constructed = constructed;
        Start = start;
        ContentStart = contentStart;
        ContentEnd = contentEnd;
        End = end;
    }

    /// <summary>Tag number for APPLICATION class; other classes carry class bits above bit 24.</summary>
    public int Tag { get; }

    public bool Constructed { get; }

    public int Start { get; }

    public int ContentStart { get; }

    /// <summary>End of content (exclusive); for indefinite lengths the position of the end-of-contents octets.</summary>
    public int ContentEnd { get; }

    /// <summary>End of the whole element (exclusive), after any end-of-contents octets.</summary>
    public int End { get; }

    public int ContentLength => ContentEnd - ContentStart;
}

/// <summary>
/// BER (X.690) primitives over a span. Every read is bounded by an explicit end; every failure throws
/// <see cref="TapFormatException"/> with the absolute byte offset (<c>baseOffset</c> + position).
/// </summary>
internal static class Ber
{
    public const int DefaultMaxDepth = 32;
    private const int UniversalClassBits = 1 << 24;
    private const int ContextClassBits = 2 << 24;

    /// <summary>Result of parsing a header from a possibly incomplete buffer.</summary>
    public enum HeaderStatus
    {
        Complete,
        NeedMoreData,
    }

    /// <summary>Folds class and number into the integer space used by <see cref="BerElement.Tag"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MakeTag(int tagClass, int number) =>
        tagClass == 1 ? number : number | ((tagClass == 0 ? 1 : tagClass) << 24); // universal 1, context 2, private 3

    public static string DescribeTag(int tag)
    {
        var number = tag & 0xFFFFFF;
        return (tag & ~0xFFFFFF) switch
        {
            0 => $"[APPLICATION {number}]",
            UniversalClassBits => $"[UNIVERSAL {number}]",
            ContextClassBits => $"[{number}]",
            _ => $"[PRIVATE {number}]",
        };
    }

    /// <summary>
    /// Parses a tag and length at <paramref name="pos"/>. Returns <see cref="HeaderStatus.NeedMoreData"/> when the
    /// header is cut off by <paramref name="end"/> and <paramref name="atEndOfInput"/> is false.
    /// <paramref name="length"/> is -1 for the indefinite form.
    /// </summary>
    public static HeaderStatus ReadHeader(ReadOnlySpan<byte> data, int pos, int end, long baseOffset, bool atEndOfInput,
        out int tag, out bool constructed, out long length, out int headerLength)
    {
        tag = 0;
        constructed = false;
        length = 0;
        headerLength = 0;
        var p = pos;
        if (p >= end)
        {
            return Incomplete(atEndOfInput, baseOffset + p, "an element header was expected but the input ends");
        }

        var first = data[p++];
        var tagClass = first >> 6;
        constructed = (first & 0x20) != 0;
        var number = first & 0x1F;
        if (number == 0x1F)
        {
            number = 0;
            var count = 0;
            while (true)
            {
                if (p >= end)
                {
                    return Incomplete(atEndOfInput, baseOffset + p, "the input ends inside a tag");
                }

                var b = data[p++];
                if (++count > 3)
                {
                    ThrowFormat("tag number too large", baseOffset + pos);
                }

                number = (number << 7) | (b & 0x7F);
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }
        }

        if (p >= end)
        {
            return Incomplete(atEndOfInput, baseOffset + p, "the input ends before the length of an element");
        }

        var lb = data[p++];
        if (lb < 0x80)
        {
            length = lb;
        }
        else if (lb == 0x80)
        {
            if (!constructed)
            {
                ThrowFormat("indefinite length on a primitive element", baseOffset + pos);
            }

            length = -1;
        }
        else
        {
            var n = lb & 0x7F;
            if (n == 0x7F)
            {
                ThrowFormat("reserved length octet 0xFF", baseOffset + p - 1);
            }

            if (end - p < n)
            {
                return Incomplete(atEndOfInput, baseOffset + p, "the input ends inside a length");
            }

            ulong value = 0;
            for (var i = 0; i < n; i++)
            {
                if (value > (ulong.MaxValue >> 8))
                {
                    ThrowFormat($"length written in {n} bytes overflows 64 bits", baseOffset + pos);
                }

                value = (value << 8) | data[p + i];
            }

            p += n;
            if (value > int.MaxValue)
            {
                ThrowFormat($"length {value} is larger than any supported element", baseOffset + pos);
            }

            length = (long)value;
        }

        tag = MakeTag(tagClass, number);
        headerLength = p - pos;
        return HeaderStatus.Complete;
    }

    /// <summary>
    /// Reads one complete element at <paramref name="pos"/> bounded by <paramref name="end"/>, resolving indefinite
    /// lengths by walking to the matching end-of-contents octets, and advances <paramref name="pos"/> past it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BerElement Read(ReadOnlySpan<byte> data, ref int pos, int end, long baseOffset, int depth, int maxDepth)
    {
        // Fast path for what TAP is made of: a tag of up to three octets and a definite length of up to 255 that fits
        // its container. Anything else (indefinite or long lengths, end-of-contents, errors) takes the full path.
        var start = pos;
        if (depth <= maxDepth && end - start >= 2 && (uint)end <= (uint)data.Length)
        {
            int first = data[start];
            var number = first & 0x1F;
            var q = start + 1;
            if (number == 0x1F)
            {
                int b = data[q++];
                if (b >= 0x80)
                {
                    if (q >= end || data[q] >= 0x80)
                    {
                        return ReadFull(data, ref pos, end, baseOffset, depth, maxDepth);
                    }

                    b = ((b & 0x7F) << 7) | data[q++];
                }

                number = b;
            }

            if (q < end && first != 0)
            {
                int length = data[q++];
                if (length >= 0x80)
                {
                    if (length != 0x81 || q >= end)
                    {
                        return ReadFull(data, ref pos, end, baseOffset, depth, maxDepth);
                    }

                    length = data[q++];
                }

                var tagClass = first >> 6;
                var tag = tagClass == 1 ? number : MakeTag(tagClass, number);
                if (length <= end - q && tag != UniversalClassBits /* end-of-contents */)
                {
                    var contentEnd = q + length;
                    pos = contentEnd;
                    return new BerElement(tag, (first & 0x20) != 0, start, q, contentEnd, contentEnd);
                }
            }
        }

        return ReadFull(data, ref pos, end, baseOffset, depth, maxDepth);
    }

    /// <summary>The complete reader behind <see cref="Read"/>: every length form, every error.</summary>
    private static BerElement ReadFull(ReadOnlySpan<byte> data, ref int pos, int end, long baseOffset, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            ThrowFormat($"elements nested deeper than {maxDepth} levels", baseOffset + pos);
        }

        var start = pos;
        ReadHeader(data, pos, end, baseOffset, atEndOfInput: true, out var tag, out var constructed, out var length, out var headerLength);
        if (tag == MakeTag(0, 0))
        {
            ThrowFormat("unexpected end-of-contents octets", baseOffset + start);
        }

        var contentStart = pos + headerLength;
        if (length >= 0)
        {
            if (length > end - contentStart)
            {
                ThrowFormat($"element {DescribeTag(tag)} declares {length} content bytes but only {end - contentStart} remain", baseOffset + start);
            }

            pos = contentStart + (int)length;
            return new BerElement(tag, constructed, start, contentStart, pos, pos);
        }

        // Indefinite: children until 00 00.
        var p = contentStart;
        while (true)
        {
            if (end - p >= 2 && data[p] == 0 && data[p + 1] == 0)
            {
                pos = p + 2;
                return new BerElement(tag, constructed, start, contentStart, p, pos);
            }

            if (p >= end)
            {
                ThrowFormat($"element {DescribeTag(tag)} with indefinite length has no end-of-contents octets", baseOffset + start);
            }

            ReadFull(data, ref p, end, baseOffset, depth + 1, maxDepth);
        }
    }

    /// <summary>
    /// Measures a complete element in a buffer that may not yet hold all of it: returns the total length, or -1 when
    /// more input is needed. Malformed input throws.
    /// </summary>
    public static long Measure(ReadOnlySpan<byte> data, int pos, int end, long baseOffset, bool atEndOfInput, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            ThrowFormat($"elements nested deeper than {maxDepth} levels", baseOffset + pos);
        }

        if (ReadHeader(data, pos, end, baseOffset, atEndOfInput, out var tag, out _, out var length, out var headerLength) == HeaderStatus.NeedMoreData)
        {
            return -1;
        }

        if (tag == MakeTag(0, 0))
        {
            ThrowFormat("unexpected end-of-contents octets", baseOffset + pos);
        }

        if (length >= 0)
        {
            var total = headerLength + length;
            if (total > end - pos)
            {
                if (atEndOfInput)
                {
                    ThrowFormat($"element {DescribeTag(tag)} declares {length} content bytes but the input ends after {end - pos - headerLength}", baseOffset + pos);
                }

                return -(total + 1);
            }

            return total;
        }

        var p = pos + headerLength;
        while (true)
        {
            if (end - p >= 2 && data[p] == 0 && data[p + 1] == 0)
            {
                return p + 2 - pos;
            }

            if (end - p < 2)
            {
                if (atEndOfInput)
                {
                    ThrowFormat($"element {DescribeTag(tag)} with indefinite length has no end-of-contents octets before the input ends", baseOffset + pos);
                }

                return -1;
            }

            var child = Measure(data, p, end, baseOffset, atEndOfInput, depth + 1, maxDepth);
            if (child < 0)
            {
                return -1;
            }

            p += (int)child;
        }
    }

    /// <summary>Two's complement INTEGER of 1..8 bytes (9 when the first is a sign-only zero).</summary>
    public static long ReadInteger(ReadOnlySpan<byte> value, long offset, string item = "INTEGER")
    {
        if (value.Length == 0)
        {
            ThrowValue(item, "INTEGER with no content octets", offset);
        }

        if (value.Length > 8)
        {
            if (value.Length == 9 && value[0] == 0 && (value[1] & 0x80) != 0)
            {
                var u = BinaryPrimitives.ReadUInt64BigEndian(value[1..]);
                if (u > long.MaxValue)
                {
                    ThrowValue(item, "INTEGER larger than 64 bits", offset);
                }

                return (long)u;
            }

            ThrowValue(item, $"INTEGER of {value.Length} bytes does not fit 64 bits", offset);
        }

        long result = (sbyte)value[0];
        for (var i = 1; i < value.Length; i++)
        {
            result = (result << 8) | value[i];
        }

        return result;
    }

    public static int ReadInt32(ReadOnlySpan<byte> value, long offset, string item = "INTEGER")
    {
        var v = ReadInteger(value, offset, item);
        if (v is < int.MinValue or > int.MaxValue)
        {
            ThrowValue(item, $"value {v} does not fit this item", offset);
        }

        return (int)v;
    }

    /// <summary>ASCII/Latin-1 text of an OCTET STRING.</summary>
    public static string ReadText(ReadOnlySpan<byte> value) => value.Length switch
    {
        0 => string.Empty,
        _ => TextCache.Get(value),
    };

    /// <summary>
    /// TAP BCDString: two digits per byte, high nibble first, 0xF pads the last nibble. A–E map to * # a b c
    /// (as in TBCD). A filler anywhere but at the end is malformed.
    /// </summary>
    public static string ReadBcd(ReadOnlySpan<byte> value, long offset, string item = "BCDString")
    {
        var digits = BcdDigitCount(value);
        Span<byte> buffer = digits <= 64 ? stackalloc byte[digits] : new byte[digits];
        WriteBcdDigits(value, buffer, offset, item);
        return digits == 0 ? string.Empty : System.Text.Encoding.Latin1.GetString(buffer);
    }

    /// <summary>Number of digits in a BCDString: two per byte less the trailing 0xF fillers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BcdDigitCount(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        var digits = value.Length * 2;
        var last = value[^1];
        if ((last & 0x0F) == 0x0F)
        {
            digits--;
            if ((last & 0xF0) == 0xF0)
            {
                digits--;
            }
        }

        return digits;
    }

    /// <summary>
    /// Writes the <see cref="BcdDigitCount"/> digits of a BCDString as ASCII (A–E as <c>* # a b c</c>); a filler
    /// before the last digit is malformed.
    /// </summary>
    public static void WriteBcdDigits(ReadOnlySpan<byte> value, Span<byte> destination, long offset, string item)
    {
        var pairs = destination.Length >> 1;
        var table = BcdPairs;
        for (var i = 0; i < pairs; i++)
        {
            var b = value[i];
            var pair = table[b];
            if (pair != 0)
            {
                destination[2 * i] = (byte)pair;
                destination[(2 * i) + 1] = (byte)(pair >> 8);
            }
            else
            {
                destination[2 * i] = BcdByte(b >> 4, offset, item);
                destination[(2 * i) + 1] = BcdByte(b & 0x0F, offset, item);
            }
        }

        if ((destination.Length & 1) != 0)
        {
            destination[^1] = BcdByte(value[pairs] >> 4, offset, item);
        }
    }

    /// <summary>Both ASCII digits of a byte whose nibbles are 0–9 (low byte first), 0 for any other byte.</summary>
    private static readonly ushort[] BcdPairs = Enumerable.Range(0, 256)
        .Select(b => (b >> 4) < 10 && (b & 0x0F) < 10 ? (ushort)(('0' + (b >> 4)) | (('0' + (b & 0x0F)) << 8)) : (ushort)0)
        .ToArray();

    private static byte BcdByte(int nibble, long offset, string item)
    {
        if (nibble == 0x0F)
        {
            ThrowValue(item, "BCD filler 0xF before the last digit", offset);
        }

        return (byte)BcdChar(nibble);
    }

    private static char BcdChar(int nibble) => nibble switch
    {
        < 10 => (char)('0' + nibble),
        10 => '*',
        11 => '#',
        12 => 'a',
        13 => 'b',
        _ => 'c',
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static HeaderStatus Incomplete(bool atEndOfInput, long offset, string what)
    {
        if (atEndOfInput)
        {
            ThrowFormat($"truncated: {what}", offset);
        }

        return HeaderStatus.NeedMoreData;
    }

    [DoesNotReturn]
    public static void ThrowValue(string item, string message, long offset) => throw new TapValueException(item, message, offset);

    [DoesNotReturn]
    public static void ThrowFormat(string message, long offset) => throw new TapFormatException(message, offset);
}

/// <summary>
/// The children of a constructed element, one at a time, with the typed reads every group decoder needs (each
/// checks that the child is primitive and reports its item name and absolute offset on failure).
/// </summary>
internal ref struct BerChildren
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly int _end;
    private readonly int _depth;
    private readonly int _maxDepth;
    private int _pos;

    /// <summary>Children of <paramref name="parent"/>, which sits at <paramref name="depth"/> - 1.</summary>
    public BerChildren(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, int maxDepth)
    {
        _data = data;
        _baseOffset = baseOffset;
        _pos = parent.ContentStart;
        _end = parent.ContentEnd;
        _depth = depth;
        _maxDepth = maxDepth;
        Current = default;
    }

    public BerElement Current { get; private set; }

    public readonly int Tag => Current.Tag;

    /// <summary>Absolute byte offset of the current child.</summary>
    public readonly long Offset => _baseOffset + Current.Start;

    /// <summary>Nesting level of the current child's own children.</summary>
    public readonly int ChildDepth => _depth + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (_pos >= _end)
        {
            return false;
        }

        Current = Ber.Read(_data, ref _pos, _end, _baseOffset, _depth, _maxDepth);
        return true;
    }

    /// <summary>The content of the current child, which must be primitive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Primitive()
    {
        if (Current.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(Current.Tag), "must be primitive (syntax error)", Offset);
        }

        return _data[Current.ContentStart..Current.ContentEnd];
    }

    /// <summary>The current child, which must be constructed (to walk into).</summary>
    public readonly BerElement Constructed()
    {
        if (!Current.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(Current.Tag), "must be constructed (syntax error)", Offset);
        }

        return Current;
    }

    public readonly long Integer(string item) => Ber.ReadInteger(Primitive(), Offset, item);

    public readonly int Int32(string item) => Ber.ReadInt32(Primitive(), Offset, item);

    public readonly string Text() => Ber.ReadText(Primitive());

    /// <summary>A file-level DateTimeLong (or DateTime, whose code is left unresolved).</summary>
    public readonly TapTimestamp Timestamp(string item) =>
        CallEventDecoder.ReadDateTime(_data, Constructed(), _baseOffset, _depth + 1, null, item);

    /// <summary>The children of the current child, which must be constructed.</summary>
    public readonly BerChildren Children() => new(_data, Constructed(), _baseOffset, _depth + 1, _maxDepth);
}
