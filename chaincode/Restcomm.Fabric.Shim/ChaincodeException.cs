namespace Restcomm.Fabric.Shim;

/// <summary>
/// Thrown by transaction code to fail the transaction with a chosen status and message. Any other exception
/// fails the transaction with status 500 and the exception's message.
/// </summary>
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

    /// <summary>The response status (at least 400).</summary>
    public int Status { get; }

    /// <summary>The response payload (usually empty).</summary>
    public ReadOnlyMemory<byte> Payload { get; }
}
