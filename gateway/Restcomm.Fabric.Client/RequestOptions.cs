namespace Restcomm.Fabric.Client;

/// <summary>
/// Settings for one call to the Gateway (an evaluate, endorse, submit, commit status or event stream), overriding the
/// gateway-wide defaults of <see cref="GatewayOptions"/>. The deadline travels to the peer as the gRPC deadline, so the
/// peer stops working on a call its client no longer waits for; a call past it fails with
/// <see cref="Grpc.Core.StatusCode.DeadlineExceeded"/>.
/// </summary>
public sealed record RequestOptions
{
    /// <summary>How long this call may take from when it starts; null uses the gateway's default for the phase.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The moment this call must be done by (wins over <see cref="Timeout"/>); null for none.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>A call that may take <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The time limit; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <returns>The options.</returns>
    public static RequestOptions WithTimeout(TimeSpan timeout) => new() { Timeout = timeout };

    /// <summary>A call that must be done by <paramref name="deadline"/>.</summary>
    /// <param name="deadline">The deadline.</param>
    /// <returns>The options.</returns>
    public static RequestOptions WithDeadline(DateTimeOffset deadline) => new() { Deadline = deadline };
}
