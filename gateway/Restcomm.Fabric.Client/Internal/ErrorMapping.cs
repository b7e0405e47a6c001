using Grpc.Core;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.Fabric.Client.Internal;

internal enum Phase
{
    Evaluate,
    Endorse,
    Submit,
    CommitStatus,
    Events,
}

internal static class ErrorMapping
{
    /// <summary>Reads the Gateway's per-peer <c>ErrorDetail</c>s from the status details trailer.</summary>
    public static IReadOnlyList<PeerErrorDetail> Details(RpcException exception)
    {
        Google.Rpc.Status? status;
        try
        {
            status = exception.GetRpcStatus();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return [];
        }

        if (status is null || status.Details.Count == 0)
        {
            return [];
        }

        var details = new List<PeerErrorDetail>(status.Details.Count);
        foreach (var any in status.Details)
        {
            if (any.TryUnpack<ErrorDetail>(out var detail))
            {
                details.Add(new PeerErrorDetail(detail.Address, detail.MspId, detail.Message));
            }
        }

        return details;
    }

    public static Exception Map(RpcException exception, Phase phase, string transactionId, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested && exception.StatusCode == StatusCode.Cancelled)
        {
            return new OperationCanceledException("The call was cancelled.", exception, cancellationToken);
        }

        var details = Details(exception);
        var message = Message(phase, transactionId, exception.Status, details);
        return phase switch
        {
            Phase.Evaluate => new EvaluateException(message, transactionId, exception.Status, details, exception),
            Phase.Endorse => new EndorseException(message, transactionId, exception.Status, details, exception),
            Phase.Submit => new SubmitException(message, transactionId, exception.Status, details, exception),
            Phase.CommitStatus => new CommitStatusException(message, transactionId, exception.Status, details, exception),
            _ => new GatewayException(message, exception.Status, details, exception),
        };
    }

    private static string Message(Phase phase, string transactionId, Status status, IReadOnlyList<PeerErrorDetail> details)
    {
        var text = new System.Text.StringBuilder();
        text.Append(phase switch
        {
            Phase.Evaluate => "Evaluate",
            Phase.Endorse => "Endorse",
            Phase.Submit => "Submit",
            Phase.CommitStatus => "Commit status",
            _ => "Event stream",
        });
        text.Append(" failed");
        if (transactionId.Length > 0)
        {
            text.Append(" for transaction ").Append(transactionId);
        }

        text.Append(": ").Append(status.StatusCode).Append(", ").Append(status.Detail);
        foreach (var d in details)
        {
            text.Append("\n  - ").Append(d.Address).Append(" (").Append(d.MspId).Append("): ").Append(d.Message);
        }

        return text.ToString();
    }
}
