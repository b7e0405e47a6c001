using Grpc.Core;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client;

/// <summary>What one peer (or orderer) reported when a Gateway request failed.</summary>
/// <param name="Address">The endpoint the Gateway talked to, e.g. <c>peer0.org2.example.com:9051</c>.</param>
/// <param name="MspId">The MSP of that endpoint.</param>
/// <param name="Message">Its error message, e.g. the chaincode's error.</param>
public sealed record PeerErrorDetail(string Address, string MspId, string Message)
{
    /// <summary>
    /// The chaincode's refusal when the peer got one (its status, machine-readable code and message); null when the
    /// peer never got an answer from the chaincode (not running, unreachable, timed out) or failed for another reason.
    /// A status of 500 or more counts as the chaincode's only with its error document (see
    /// <see cref="ChaincodeError.TryParsePeerMessage"/>): peers report their own simulation failures with status 500.
    /// </summary>
    public ChaincodeError? Chaincode => ChaincodeError.TryParsePeerMessage(Message, out var error) ? error : null;
}

/// <summary>
/// A Gateway service call failed. <see cref="StatusCode"/> is the gRPC status the Gateway returned (or
/// <see cref="Grpc.Core.StatusCode.DeadlineExceeded"/> when the call's timeout elapsed), and
/// <see cref="Details"/> lists what each peer involved reported.
/// </summary>
public class GatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="status">The gRPC status.</param>
    /// <param name="details">Per-peer details.</param>
    /// <param name="innerException">The underlying <see cref="RpcException"/>, if any.</param>
    public GatewayException(string message, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, innerException)
    {
        Status = status;
        Details = details;
    }

    /// <summary>The gRPC status of the failed call.</summary>
    public Status Status { get; }

    /// <summary>The gRPC status code of the failed call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>What each peer involved reported; empty when the Gateway gave no details.</summary>
    public IReadOnlyList<PeerErrorDetail> Details { get; }

    /// <summary>
    /// The chaincode's refusal, when a peer got one (the first such peer's): its status, code and message. Null when
    /// no peer got an answer from the chaincode, so nothing was refused and the call may succeed if retried.
    /// </summary>
    public ChaincodeError? ChaincodeError
    {
        get
        {
            foreach (var detail in Details)
            {
                if (detail.Chaincode is { } error)
                {
                    return error;
                }
            }

            return null;
        }
    }
}

/// <summary>A Gateway call made for a specific transaction failed.</summary>
public class TransactionException : GatewayException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="transactionId">The transaction ID.</param>
    /// <param name="status">The gRPC status.</param>
    /// <param name="details">Per-peer details.</param>
    /// <param name="innerException">The underlying <see cref="RpcException"/>, if any.</param>
    public TransactionException(string message, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, status, details, innerException)
    {
        TransactionId = transactionId;
    }

    /// <summary>The ID of the transaction the call was for.</summary>
    public string TransactionId { get; }
}

/// <summary>Evaluating a transaction failed: for example the chaincode returned an error, or no peer could run it.</summary>
public sealed class EvaluateException : TransactionException
{
    /// <inheritdoc cref="TransactionException(string, string, Status, IReadOnlyList{PeerErrorDetail}, Exception?)" />
    public EvaluateException(string message, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, transactionId, status, details, innerException)
    {
    }
}

/// <summary>
/// Endorsing a transaction failed: the chaincode returned an error, endorsements did not match, or the
/// endorsement policy could not be satisfied. <see cref="GatewayException.Details"/> says which peer said what.
/// </summary>
public sealed class EndorseException : TransactionException
{
    /// <inheritdoc cref="TransactionException(string, string, Status, IReadOnlyList{PeerErrorDetail}, Exception?)" />
    public EndorseException(string message, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, transactionId, status, details, innerException)
    {
    }
}

/// <summary>Sending an endorsed transaction to the ordering service failed.</summary>
public sealed class SubmitException : TransactionException
{
    /// <inheritdoc cref="TransactionException(string, string, Status, IReadOnlyList{PeerErrorDetail}, Exception?)" />
    public SubmitException(string message, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, transactionId, status, details, innerException)
    {
    }
}

/// <summary>
/// Obtaining a submitted transaction's commit status failed (e.g. it timed out). The transaction may still
/// commit; ask again with <see cref="Commit.GetStatusAsync(CancellationToken)"/>.
/// </summary>
public sealed class CommitStatusException : TransactionException
{
    /// <inheritdoc cref="TransactionException(string, string, Status, IReadOnlyList{PeerErrorDetail}, Exception?)" />
    public CommitStatusException(string message, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details, Exception? innerException)
        : base(message, transactionId, status, details, innerException)
    {
    }
}

/// <summary>
/// A transaction was ordered into a block but committed as invalid; <see cref="Code"/> says why
/// (for example <see cref="TxValidationCode.MvccReadConflict"/>).
/// </summary>
public sealed class CommitException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The commit status reported by the peer.</param>
    public CommitException(CommitStatus status)
        : base($"Transaction {status?.TransactionId} failed to commit with status code {(int)(status?.Code ?? 0)} ({status?.Code}) in block {status?.BlockNumber}.")
    {
        ArgumentNullException.ThrowIfNull(status);
        TransactionId = status.TransactionId;
        Code = status.Code;
        BlockNumber = status.BlockNumber;
    }

    /// <summary>The ID of the invalid transaction.</summary>
    public string TransactionId { get; }

    /// <summary>The validation code the committing peer assigned.</summary>
    public TxValidationCode Code { get; }

    /// <summary>The block that contains the transaction.</summary>
    public ulong BlockNumber { get; }
}
