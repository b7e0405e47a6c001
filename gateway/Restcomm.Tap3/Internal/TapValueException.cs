namespace Restcomm.Tap3.Internal;

/// <summary>
/// A well-formed element whose value is unusable (a timestamp that is not a date, an INTEGER too large for its item).
/// Inside a call event this rejects the record (severe), not the file.
/// </summary>
internal sealed class TapValueException : Exception
{
    public TapValueException(string item, string message, long offset)
        : base($"{item}: {message} (at byte offset {offset})")
    {
        Item = item;
        Reason = message;
        Offset = offset;
    }

    public TapValueException()
        : this("value", "malformed", -1)
    {
    }

    public TapValueException(string message)
        : this("value", message, -1)
    {
    }

    public TapValueException(string message, Exception innerException)
        : base(message, innerException)
    {
        Item = "value";
        Reason = message;
        Offset = -1;
    }

    public string Item { get; }

    public string Reason { get; }

    public long Offset { get; }
}
