namespace Restcomm.Fabric.Shim;

/// <summary>
/// The result of a chaincode invocation as the peer sees it (<c>protos.Response</c>): a status, a message and a payload.
/// </summary>
/// <remarks>
/// Fabric treats statuses in [200, 400) as success; anything from 400 up is an error the peer will not endorse.
/// </remarks>
public sealed class ChaincodeResponse
{
    /// <summary>The conventional success status.</summary>
    public const int Ok = 200;

    /// <summary>The first status Fabric treats as an error.</summary>
    public const int ErrorThreshold = 400;

    /// <summary>The conventional status for malformed requests (bad arguments, unknown functions).</summary>
    public const int BadRequest = 400;

    /// <summary>The conventional failure status.</summary>
    public const int InternalError = 500;

    /// <summary>Creates a response.</summary>
    /// <param name="status">The status (200 for success, 500 for the conventional failure).</param>
    /// <param name="message">A message; for failures, what went wrong.</param>
    /// <param name="payload">The payload returned to the client.</param>
    public ChaincodeResponse(int status, string? message, ReadOnlyMemory<byte> payload)
    {
        Status = status;
        Message = message ?? string.Empty;
        Payload = payload;
    }

    /// <summary>The status code.</summary>
    public int Status { get; }

    /// <summary>The message (empty when none).</summary>
    public string Message { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True when <see cref="Status"/> is in Fabric's success range [200, 400).</summary>
    public bool IsSuccess => Status is >= Ok and < ErrorThreshold;

    /// <summary>A 200 response with the given payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The response.</returns>
    public static ChaincodeResponse Success(ReadOnlyMemory<byte> payload = default) => new(Ok, string.Empty, payload);

    /// <summary>An error response (500 unless another status is given).</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="status">The status, at least 400.</param>
    /// <returns>The response.</returns>
    public static ChaincodeResponse Error(string message, int status = InternalError) => new(status, message, default);

    /// <inheritdoc />
    public override string ToString() => $"{Status} {Message}";
}
