using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;

namespace Restcomm.Ingestion.Tests;

public sealed class UsageBatcherTests
{
    private static readonly byte[] Record = new UsageRecord
    {
        Service = RoamingService.SmsMo,
        EventTimeUtc = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero),
        Quantity = 1,
        ChargeMinor = 50,
        DecimalPlaces = 3,
        TapRecordSha256 = new string('a', 64),
        Imsi = "234150000000001",
    }.Encode();

    private static readonly int Size = 2 + Record.Length;

    private static UsageBatcher Batcher(int records = 1000, int bytes = 1 << 20, int openPeriods = 4, TimeProvider? clock = null)
        => new(records, bytes, TimeSpan.FromSeconds(5), openPeriods, clock ?? TimeProvider.System);

    [Fact]
    public void A_batch_closes_when_it_holds_the_record_limit()
    {
        var batcher = Batcher(records: 3);
        var closed = new List<ClosedBatch>();

        for (var i = 0; i < 7; i++)
        {
            batcher.Add(Record, "2026-03", i, closed);
        }

        Assert.Equal([3, 3], closed.Select(b => b.Records.Count));
        Assert.Equal([(0L, 2L), (3L, 5L)], closed.Select(b => (b.FirstIndex, b.LastIndex)));
        batcher.CloseAll(closed);
        Assert.Single(closed[^1].Records);
    }

    [Fact]
    public void A_batch_closes_before_a_record_would_take_its_payload_over_the_byte_limit()
    {
        var limit = UsageBatcher.PayloadHeaderBytes + (Size * 4) + (Size / 2);
        var batcher = Batcher(bytes: limit);
        var closed = new List<ClosedBatch>();

        for (var i = 0; i < 10; i++)
        {
            batcher.Add(Record, "2026-03", i, closed);
        }

        batcher.CloseAll(closed);
        Assert.All(closed, b => Assert.True(b.PayloadBytes <= limit, $"{b.PayloadBytes} > {limit}"));
        Assert.Equal([4, 4, 2], closed.Select(b => b.Records.Count));
        // The payload size the batcher counts is the one the domain encodes.
        Assert.Equal(UsageBatchPayload.Encode([.. closed[0].Records.Select(r => UsageRecord.Decode(r))]).Length, closed[0].PayloadBytes);
    }

    [Fact]
    public void Records_of_two_periods_never_share_a_batch()
    {
        var batcher = Batcher();
        var closed = new List<ClosedBatch>();
        string[] periods = ["2026-03", "2026-04", "2026-03", "2026-04", "2026-04", "2026-03"];

        for (var i = 0; i < periods.Length; i++)
        {
            batcher.Add(Record, periods[i], i, closed);
        }

        batcher.CloseAll(closed);
        Assert.Equal(2, closed.Count);
        Assert.Equal(("2026-03", 0L, 5L, 3), (closed[0].Period, closed[0].FirstIndex, closed[0].LastIndex, closed[0].Records.Count));
        Assert.Equal(("2026-04", 1L, 4L, 3), (closed[1].Period, closed[1].FirstIndex, closed[1].LastIndex, closed[1].Records.Count));
    }

    [Fact]
    public void Opening_more_periods_than_allowed_closes_the_batch_opened_first()
    {
        var batcher = Batcher(openPeriods: 2);
        var closed = new List<ClosedBatch>();

        batcher.Add(Record, "2026-01", 0, closed);
        batcher.Add(Record, "2026-02", 1, closed);
        batcher.Add(Record, "2026-03", 2, closed);

        Assert.Equal("2026-01", Assert.Single(closed).Period);
        Assert.Equal(2, batcher.OpenCount);
    }

    [Fact]
    public void A_batch_open_longer_than_the_linger_is_closed_and_a_younger_one_is_not()
    {
        var clock = new SteppingClock();
        var batcher = Batcher(clock: clock);
        var closed = new List<ClosedBatch>();
        batcher.Add(Record, "2026-03", 0, closed);
        clock.Advance(TimeSpan.FromSeconds(4));
        batcher.Add(Record, "2026-04", 1, closed);

        batcher.CloseLingering(closed);
        Assert.Empty(closed);
        clock.Advance(TimeSpan.FromSeconds(1));
        batcher.CloseLingering(closed);

        Assert.Equal("2026-03", Assert.Single(closed).Period);
    }

    [Fact]
    public void Settings_whose_largest_batch_cannot_fit_the_channel_message_limit_are_refused()
    {
        // A payload that fits with the envelope alone, 100,000 bytes to spare for the records named in the findings.
        const int payload = TapIngestionOptions.DefaultMaxMessageBytes - TapIngestionOptions.EnvelopeReserveBytes - 100_000;
        var tooBig = new TapIngestionOptions { AgreementId = "A", BatchBytes = payload, BatchRecords = 20_000 };
        var fits = new TapIngestionOptions { AgreementId = "A", BatchBytes = payload, BatchRecords = 100_000 / TapIngestionOptions.PublicBytesPerRecord };
        var smallerPayload = new TapIngestionOptions { AgreementId = "A", BatchBytes = 4 * 1024 * 1024, BatchRecords = 20_000 };
        var smallChannel = new TapIngestionOptions { AgreementId = "A", MaxMessageBytes = 1024 * 1024 };

        var refused = Assert.Throws<ArgumentException>(tooBig.Check);
        fits.Check();
        smallerPayload.Check();
        Assert.Throws<ArgumentException>(smallChannel.Check);
        Assert.Contains("message limit", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A clock whose timestamps move only when told.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
