using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>
/// A position in the change feed, opaque to clients: base64url of <c>epoch:sequence</c>. The epoch names the store's feed,
/// so a cursor kept across a database replacement is recognised (410 <c>cursor-expired</c>) instead of silently skipping
/// or repeating changes.
/// </summary>
internal readonly record struct FeedCursor(string Epoch, long Sequence)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{Epoch}:{Sequence.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryDecode(string text, out FeedCursor cursor)
    {
        cursor = default;
        if (text.Length is 0 or > 128)
        {
            return false;
        }

        string plain;
        try
        {
            plain = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = plain.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(plain.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || plain.AsSpan(0, colon).ContainsAnyExcept("0123456789abcdef"))
        {
            return false;
        }

        cursor = new FeedCursor(plain[..colon], sequence);
        return true;
    }
}
