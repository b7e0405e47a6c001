using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Reads every JSON string of a request body and refuses control characters (C0 and C1, DEL) other than tab, line feed
/// and carriage return: text an API caller sends may end up on an immutable ledger, where a NUL or an escape sequence
/// can never be taken back. Writing is unchanged.
/// </summary>
internal sealed class PrintableStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is null)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is < ' ' and not ('\t' or '\n' or '\r') || c is >= '\u007f' and <= '\u009f')
            {
                throw new ControlCharacterException($"A text value holds the control character U+{(int)c:X4}; text fields accept printable characters, tabs and line breaks only.");
            }
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary>A request body's text value holds a control character.</summary>
internal sealed class ControlCharacterException : JsonException
{
    public ControlCharacterException(string message)
        : base(message)
    {
    }

    public ControlCharacterException()
    {
    }

    public ControlCharacterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
