namespace Restcomm.Tap3;

/// <summary>
/// The input is not well-formed BER or not a TAP file: truncated, a length beyond the input, nesting too deep,
/// an element where another was required. Carries the byte offset (from the start of the file) where decoding stopped.
/// </summary>
public sealed class TapFormatException : Exception
{
    /// <summary>Creates the exception; the offset is appended to the message.</summary>
    public TapFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
        Reason = message;
    }

    /// <summary>Creates the exception without an offset (for API misuse such as an empty stream).</summary>
    public TapFormatException(string message)
        : base(message)
    {
        Offset = -1;
        Reason = message;
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public TapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
        Reason = message;
    }

    /// <summary>Creates an empty exception (serialisation and framework use).</summary>
    public TapFormatException()
        : this("malformed TAP file")
    {
    }

    /// <summary>Byte offset from the start of the input where the problem was found; -1 when not applicable.</summary>
    public long Offset { get; }

    /// <summary>The message without the offset suffix.</summary>
    public string Reason { get; }
}
