namespace Restcomm.Eir.EndToEnd.Tests.Support;

/// <summary>
/// The real clock moved by an offset a test controls. An API's index judges grey-list expiry by it while the chaincode
/// (on the real network) keeps stamping transactions with the real time, as it would in production.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
