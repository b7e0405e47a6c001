using Restcomm.Fabric.Ledger;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// Thrown by transaction code to fail the transaction with a chosen status and message. Any other exception
/// fails the transaction with status 500 and the exception's message.
/// </summary>
/// <remarks>
/// An exception created with a <see cref="Code"/> (see <see cref="ChaincodeErrorCodes"/>) travels as the response
/// status of that code and, as the response message, the JSON error document <c>{"code":"…","message":"…"}</c>:
/// the one part of a failed response that a Fabric gateway relays to the client (as "chaincode response N, message").
/// Clients read it back with the Gateway client's <c>ChaincodeError</c>.
/// </remarks>
public class ChaincodeException : Exception
{
    /// <summary>Creates an exception with status 500.</summary>
    public ChaincodeException()
        : this("chaincode error")
    {
    }

    /// <summary>Creates an exception with status 500.</summary>
    /// <param name="message">The message returned to the client.</param>
    public ChaincodeException(string message)
        : this(message, ChaincodeResponse.InternalError)
    {
    }

    /// <summary>Creates an exception with status 500 and an inner exception.</summary>
    /// <param name="message">The message returned to the client.</param>
    /// <param name="innerException">The cause.</param>
    public ChaincodeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = ChaincodeResponse.InternalError;
    }

    /// <summary>Creates an exception with the given status.</summary>
    /// <param name="message">The message returned to the client.</param>
    /// <param name="status">The status, at least 400.</param>
    /// <param name="payload">Optional payload returned with the error.</param>
    public ChaincodeException(string message, int status, ReadOnlyMemory<byte> payload = default)
        : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, ChaincodeResponse.ErrorThreshold);
        Status = status;
        Payload = payload;
    }

    /// <summary>
    /// Creates an exception with a machine-readable code; the status is the code's
    /// (<see cref="ChaincodeErrorCodes.StatusOf"/>) unless <paramref name="status"/> is given.
    /// </summary>
    /// <param name="code">A stable code such as <see cref="ChaincodeErrorCodes.Forbidden"/> (lower-case words and hyphens).</param>
    /// <param name="message">The message returned to the client: what was refused and why, in the caller's terms.</param>
    /// <param name="status">The status, at least 400; 0 for the code's own.</param>
    public ChaincodeException(string code, string message, int status)
        : base(message)
    {
        if (!ChaincodeErrorCodes.IsWellFormed(code))
        {
            throw new ArgumentException($"'{code}' is not a chaincode error code (lower-case letters, digits and single hyphens).", nameof(code));
        }

        Code = code;
        Status = status == 0 ? ChaincodeErrorCodes.StatusOf(code) : status;
        ArgumentOutOfRangeException.ThrowIfLessThan(Status, ChaincodeResponse.ErrorThreshold, nameof(status));
    }

    /// <summary>The response status (at least 400).</summary>
    public int Status { get; }

    /// <summary>The response payload (usually empty).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The machine-readable code, or null for an exception created without one.</summary>
    public string? Code { get; }

    /// <summary>Creates an <see cref="ChaincodeErrorCodes.InvalidArgument"/> refusal (400).</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <returns>The exception to throw.</returns>
    public static ChaincodeException InvalidArgument(string message) => new(ChaincodeErrorCodes.InvalidArgument, message, 0);

    /// <summary>Creates a <see cref="ChaincodeErrorCodes.Forbidden"/> refusal (403).</summary>
    /// <param name="message">What the caller may not do.</param>
    /// <returns>The exception to throw.</returns>
    public static ChaincodeException Forbidden(string message) => new(ChaincodeErrorCodes.Forbidden, message, 0);

    /// <summary>Creates a <see cref="ChaincodeErrorCodes.NotFound"/> refusal (404).</summary>
    /// <param name="message">What does not exist.</param>
    /// <returns>The exception to throw.</returns>
    public static ChaincodeException NotFound(string message) => new(ChaincodeErrorCodes.NotFound, message, 0);

    /// <summary>Creates a <see cref="ChaincodeErrorCodes.Conflict"/> refusal (409).</summary>
    /// <param name="message">What the request conflicts with.</param>
    /// <returns>The exception to throw.</returns>
    public static ChaincodeException Conflict(string message) => new(ChaincodeErrorCodes.Conflict, message, 0);

    /// <summary>Creates a <see cref="ChaincodeErrorCodes.FailedPrecondition"/> refusal (412).</summary>
    /// <param name="message">Which state the request needs and does not find.</param>
    /// <returns>The exception to throw.</returns>
    public static ChaincodeException FailedPrecondition(string message) => new(ChaincodeErrorCodes.FailedPrecondition, message, 0);

    /// <summary>The response message as sent: the JSON error document when a code is set, else the message.</summary>
    internal string ResponseMessage => Code is null ? Message : ChaincodeErrorCodes.Document(Code, Message);
}

