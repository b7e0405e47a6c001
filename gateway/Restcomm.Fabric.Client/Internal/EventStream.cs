using System.Runtime.CompilerServices;
using Grpc.Core;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>Reads a server stream of events, turning a broken stream into the client's events error.</summary>
internal static class EventStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(IAsyncStreamReader<T> stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            bool more;
            try
            {
                more = await stream.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw ErrorMapping.Map(e, Phase.Events, string.Empty, cancellationToken);
            }

            if (!more)
            {
                yield break;
            }

            yield return stream.Current;
        }
    }
}
