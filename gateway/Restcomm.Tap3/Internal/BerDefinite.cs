namespace Restcomm.Tap3.Internal;

/// <summary>Re-writes one BER element with definite, minimal lengths (indefinite forms and long length encodings resolved).</summary>
internal static class BerDefinite
{
    public static byte[] Rewrite(ReadOnlySpan<byte> element)
    {
        using var w = new BerWriter(element.Length + 64);
        var pos = 0;
        var root = Ber.Read(element, ref pos, element.Length, 0, 1, Ber.DefaultMaxDepth);
        Write(w, element, root, 1);
        return w.WrittenSpan.ToArray();
    }

    private static void Write(BerWriter w, ReadOnlySpan<byte> data, BerElement element, int depth)
    {
        if (!element.Constructed)
        {
            w.Primitive(element.Tag, data[element.ContentStart..element.ContentEnd]);
            return;
        }

        w.Begin(element.Tag);
        var pos = element.ContentStart;
        while (pos < element.ContentEnd)
        {
            var child = Ber.Read(data, ref pos, element.ContentEnd, 0, depth + 1, Ber.DefaultMaxDepth);
            Write(w, data, child, depth + 1);
        }

        w.End();
    }
}
