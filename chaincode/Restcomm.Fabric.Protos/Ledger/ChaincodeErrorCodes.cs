using System.Globalization;
using System.Text.Json;

namespace Restcomm.Fabric.Ledger;

/// <summary>
/// The machine-readable error codes chaincode refusals carry, and the response status each travels with.
/// A contract may use its own codes too (e.g. <c>sequence-gap</c>); they travel with the status it gives.
/// </summary>
public static class ChaincodeErrorCodes
{
    /// <summary>Bad input: malformed, out of range, or not allowed by the rules (400).</summary>
    public const string InvalidArgument = "invalid-argument";

    /// <summary>The caller's identity may not do this (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>What the request names does not exist (404).</summary>
    public const string NotFound = "not-found";

    /// <summary>The request conflicts with what is on the ledger, e.g. it already exists differently (409).</summary>
    public const string Conflict = "conflict";

    /// <summary>The ledger is not in the state the request needs, e.g. an agreement not yet accepted (412).</summary>
    public const string FailedPrecondition = "failed-precondition";

    /// <summary>The chaincode failed without saying why in a code (500).</summary>
    public const string Internal = "internal";

    /// <summary>The status a code travels with: 400, 403, 404, 409, 412; 500 for <see cref="Internal"/>; 400 for others.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The status.</returns>
    public static int StatusOf(string code) => code switch
    {
        Forbidden => 403,
        NotFound => 404,
        Conflict => 409,
        FailedPrecondition => 412,
        Internal => 500,
        _ => 400,
    };

    /// <summary>The code a status implies when a response carries no code of its own.</summary>
    /// <param name="status">The response status.</param>
    /// <returns>The code.</returns>
    public static string OfStatus(int status) => status switch
    {
        400 => InvalidArgument,
        403 => Forbidden,
        404 => NotFound,
        409 => Conflict,
        412 => FailedPrecondition,
        _ => Internal,
    };

    /// <summary>Whether <paramref name="code"/> is lower-case letters and digits in words joined by single hyphens.</summary>
    /// <param name="code">The candidate.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsWellFormed(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 64 || code[0] == '-' || code[^1] == '-')
        {
            return false;
        }

        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '-' && code[i - 1] != '-');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The JSON error document a coded refusal travels as: <c>{"code":"…","message":"…"}</c>.</summary>
    /// <param name="code">The code.</param>
    /// <param name="message">The message.</param>
    /// <returns>The document.</returns>
    public static string Document(string code, string message)
        => JsonSerializer.Serialize(new ErrorDocument(code, message), ErrorDocumentJson.Readable.ErrorDocument);
}

/// <summary>The wire shape of a coded chaincode refusal.</summary>
/// <param name="Code">The machine-readable code.</param>
/// <param name="Message">The human-readable message.</param>
internal sealed record ErrorDocument(
    [property: System.Text.Json.Serialization.JsonPropertyName("code")] string Code,
    [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);

[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorDocument))]
internal sealed partial class ErrorDocumentJson : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>
    /// Writes messages as readable as JSON allows (apostrophes, accents and '…' as themselves; quotes and control
    /// characters still escaped): peers, logs and Fabric's CLI show the document as it is.
    /// </summary>
    public static ErrorDocumentJson Readable { get; } = new(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>
/// A chaincode's refusal as a client receives it: the response status, a machine-readable code and the message.
/// </summary>
/// <param name="Status">The chaincode response status (at least 400).</param>
/// <param name="Code">The code the chaincode gave, or the one its status implies (<see cref="ChaincodeErrorCodes.OfStatus"/>).</param>
/// <param name="Message">The chaincode's message, without the error document around it.</param>
public sealed record ChaincodeError(int Status, string Code, string Message)
{
    private const string Prefix = "chaincode response ";

    /// <summary>
    /// Reads a response's status and message: a message that is the error document <c>{"code","message"}</c> gives
    /// its code and message; any other message stands as it is, with the code its status implies.
    /// </summary>
    /// <param name="status">The response status.</param>
    /// <param name="message">The response message.</param>
    /// <returns>The error.</returns>
    public static ChaincodeError FromResponse(int status, string? message)
        => TryReadDocument(status, message, out var coded) ? coded : new ChaincodeError(status, ChaincodeErrorCodes.OfStatus(status), message ?? string.Empty);

    private static bool TryReadDocument(int status, string? message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChaincodeError? error)
    {
        error = null;
        if (message is not { Length: > 1 } || message[0] != '{' || message[^1] != '}')
        {
            return false;
        }

        try
        {
            var document = JsonSerializer.Deserialize(message, ErrorDocumentJson.Default.ErrorDocument);
            if (document is not null && ChaincodeErrorCodes.IsWellFormed(document.Code))
            {
                error = new ChaincodeError(status, document.Code, document.Message ?? string.Empty);
                return true;
            }
        }
        catch (JsonException)
        {
            // Not an error document: the message is the chaincode's own text.
        }

        return false;
    }

    /// <summary>
    /// Reads the form a Fabric gateway reports a failed proposal response in, per peer:
    /// <c>chaincode response N, message</c> (fabric internal/pkg/gateway). It gives true only for an answer that is the
    /// chaincode's: a status below 500, or any status with the error document. A peer reports its own simulation
    /// failures (the chaincode could not be launched, reached or timed out) in the same form with status 500 and its
    /// own text, so a 5xx without the document is not taken as the chaincode's; neither is any other text.
    /// </summary>
    /// <param name="peerMessage">An error detail's message.</param>
    /// <param name="error">The chaincode's refusal.</param>
    /// <returns>True when the text reports a chaincode response.</returns>
    public static bool TryParsePeerMessage(string? peerMessage, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChaincodeError? error)
    {
        error = null;
        if (peerMessage is null || !peerMessage.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = peerMessage.AsSpan(Prefix.Length);
        var comma = rest.IndexOf(", ", StringComparison.Ordinal);
        if (comma <= 0 || !int.TryParse(rest[..comma], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return false;
        }

        var message = rest[(comma + 2)..].ToString();
        if (TryReadDocument(status, message, out error))
        {
            return true;
        }

        if (status >= 500)
        {
            return false;
        }

        error = new ChaincodeError(status, ChaincodeErrorCodes.OfStatus(status), message);
        return true;
    }

    /// <summary>The form a Fabric gateway reports a failed response in: <c>chaincode response N, message</c>.</summary>
    /// <param name="status">The response status.</param>
    /// <param name="message">The response message as the chaincode sent it.</param>
    /// <returns>The text.</returns>
    public static string FormatPeerMessage(int status, string message) => $"{Prefix}{status.ToString(CultureInfo.InvariantCulture)}, {message}";
}
