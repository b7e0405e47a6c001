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
        var status = TransportStatus(exception.Status);
        var message = Message(phase, transactionId, status, details);
        return phase switch
        {
            Phase.Evaluate => new EvaluateException(message, transactionId, status, details, exception),
            Phase.Endorse => new EndorseException(message, transactionId, status, details, exception),
            Phase.Submit => new SubmitException(message, transactionId, status, details, exception),
            Phase.CommitStatus => new CommitStatusException(message, transactionId, status, details, exception),
            _ => new GatewayException(message, status, details, exception),
        };
    }

    /// <summary>
    /// grpc-dotnet reports a failed TLS handshake (an untrusted or misnamed peer certificate, a client certificate the
    /// peer refuses) and a connection reset mid-call as Internal; Fabric's Go and Node clients report such transport
    /// failures as Unavailable, which callers retry, so this client does too.
    /// </summary>
    private static Status TransportStatus(Status status)
    {
        if (status.StatusCode != StatusCode.Internal)
        {
            return status;
        }

        for (var e = status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException
                or System.Net.Http.HttpRequestException { HttpRequestError: System.Net.Http.HttpRequestError.SecureConnectionError })
            {
                return new Status(StatusCode.Unavailable, "TLS handshake with the peer failed: " + e.Message, status.DebugException);
            }

            // The peer's end of the connection went away (an HTTP/2 stream or connection reset, e.g. as the peer stops,
            // or a handshake cut short): a transport failure, retried like any unreachable peer.
            if (e is IOException or System.Net.Sockets.SocketException
                or System.Net.Http.HttpRequestException { HttpRequestError: System.Net.Http.HttpRequestError.ConnectionError or System.Net.Http.HttpRequestError.ResponseEnded })
            {
                return new Status(StatusCode.Unavailable, "The connection to the peer broke: " + e.Message, status.DebugException);
            }
        }

        return status;
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
