namespace Restcomm.Eir;

/// <summary>Why the EIR chaincode refused a request; each maps to an HTTP status.</summary>
public enum EirErrorKind
{
    /// <summary>Bad input (HTTP 400).</summary>
    Invalid = 400,

    /// <summary>The caller may not do this (HTTP 403).</summary>
    Forbidden = 403,

    /// <summary>No such entry (HTTP 404).</summary>
    NotFound = 404,
}

/// <summary>
/// A refusal by the EIR rules. The chaincode returns it as its response status with the message
/// <c>[kind] text</c> (see <see cref="Format"/>), so a client recovers the kind even where only the message
/// survives the trip through the gateway.
/// </summary>
public sealed class EirException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public EirException(EirErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal.</summary>
    public EirException()
        : this(EirErrorKind.Invalid, "The request was refused.")
    {
    }

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal.</summary>
    public EirException(string message)
        : this(EirErrorKind.Invalid, message)
    {
    }

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal with a cause.</summary>
    public EirException(string message, Exception innerException)
        : base(message, innerException) => Kind = EirErrorKind.Invalid;

    /// <summary>The kind of refusal.</summary>
    public EirErrorKind Kind { get; }

    /// <summary>The message as the chaincode sends it: <c>[forbidden] text</c>.</summary>
    public string Formatted => Format(Kind, Message);

    /// <summary>Formats a refusal message with its kind.</summary>
    public static string Format(EirErrorKind kind, string message) => $"[{Name(kind)}] {message}";

    /// <summary>
    /// Finds a formatted refusal inside <paramref name="text"/> (e.g. a gateway error that quotes the
    /// chaincode's message) and splits it into kind and reason.
    /// </summary>
    public static bool TryParse(string? text, out EirErrorKind kind, out string reason)
    {
        kind = default;
        reason = string.Empty;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var candidate in new[] { EirErrorKind.Forbidden, EirErrorKind.NotFound, EirErrorKind.Invalid })
        {
            var tag = $"[{Name(candidate)}] ";
            var at = text.IndexOf(tag, StringComparison.Ordinal);
            if (at >= 0)
            {
                kind = candidate;
                reason = text[(at + tag.Length)..];
                return true;
            }
        }

        return false;
    }

    private static string Name(EirErrorKind kind) => kind switch
    {
        EirErrorKind.Forbidden => "forbidden",
        EirErrorKind.NotFound => "not-found",
        _ => "invalid",
    };
}
