using System.Runtime.CompilerServices;
using Grpc.Core;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>Reads a server stream of events, turning a broken stream into the client's events error.</summary>
internal static class EventStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(GatewayContext context, IAsyncStreamReader<T> stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            bool more;
            try
            {
                more = await stream.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw Failed(context, e, started, cancellationToken);
            }

            if (!more)
            {
                yield break;
            }

            yield return stream.Current;
        }
    }

    /// <summary>Maps a failed stream call to the client's events error, counting and logging it.</summary>
    public static Exception Failed(GatewayContext context, RpcException exception, long startedTimestamp, CancellationToken cancellationToken)
    {
        var mapped = ErrorMapping.Map(exception, Phase.Events, string.Empty, cancellationToken);
        if (mapped is GatewayException g)
        {
            Telemetry.Record(Phase.Events, string.Empty, startedTimestamp, g.StatusCode, System.Diagnostics.Activity.Current);
            Telemetry.StreamFailed(context.Logger, string.Empty, g.StatusCode, exception.Status.Detail);
        }

        return mapped;
    }
}
