namespace Restcomm.Tap3.Internal;

/// <summary>File-level facts a call event needs while decoding: the UTC-offset table and the nesting limit.</summary>
internal sealed class TapDecodeContext
{
    private const int DirectSize = 256;
    private readonly int[] _direct = new int[DirectSize];
    private readonly bool[] _known = new bool[DirectSize];
    private readonly Dictionary<int, int> _other = [];

    public TapDecodeContext(int maxDepth)
    {
        MaxDepth = maxDepth;
    }

    public int MaxDepth { get; }

    public void SetOffsets(IEnumerable<UtcOffsetEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!TapTimestamp.TryParseOffset(entry.Offset, out var minutes))
            {
                continue;
            }

            if ((uint)entry.Code < DirectSize)
            {
                _direct[entry.Code] = minutes;
                _known[entry.Code] = true;
            }
            else
            {
                _other[entry.Code] = minutes;
            }
        }
    }

    public int? ResolveOffset(int code)
    {
        if ((uint)code < DirectSize)
        {
            return _known[code] ? _direct[code] : null;
        }

        return _other.TryGetValue(code, out var minutes) ? minutes : null;
    }
}
