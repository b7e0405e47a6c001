using System.Diagnostics;
using Restcomm.Tap3;
using Restcomm.Tap3.Internal;

namespace Restcomm.Benchmarks;

/// <summary><c>tap3-parts</c>: single-thread CPU cost per record of each stage, to see where time goes.</summary>
public static class TapPartsProbe
{
    private sealed class CpuClock
    {
        private readonly Process _process = Process.GetCurrentProcess();
        private TimeSpan _start;

        public CpuClock() => Restart();

        public double ElapsedMs
        {
            get
            {
                _process.Refresh();
                return (_process.TotalProcessorTime - _start).TotalMilliseconds;
            }
        }

        public void Restart()
        {
            _process.Refresh();
            _start = _process.TotalProcessorTime;
        }
    }

    public static int Run()
    {
        var generator = new TapTrafficGenerator(42);
        const int count = 200_000;
        var events = new byte[count][];
        var record = new FlatRecord();
        for (var i = 0; i < count; i++)
        {
            events[i] = TapEncoder.EncodeCallEvent(generator.Next());
        }

        var context = new TapDecodeContext(32);
        context.SetOffsets(generator.Header.Network!.UtcOffsets);
        Span<byte> hash = stackalloc byte[32];
        for (var round = 0; round < 3; round++)
        {
            var clock = new CpuClock();
            long sink = 0;
            for (var i = 0; i < count; i++)
            {
                sink += Ber.Measure(events[i], 0, events[i].Length, 0, true, 1, 32);
            }

            var measure = clock.ElapsedMs * 1000 / count;
            clock.Restart();
            for (var i = 0; i < count; i++)
            {
                CallEventDecoder.Decode(events[i], 0, context, record);
            }

            var decode = clock.ElapsedMs * 1000 / count;
            clock.Restart();
            var errors = 0;
            for (var i = 0; i < count; i++)
            {
                CallEventDecoder.Decode(events[i], 0, context, record);
                TapValidator.ValidateRecord(record, i, 0, generator.Header, _ => errors++);
            }

            var validate = (clock.ElapsedMs * 1000 / count) - decode;
            clock.Restart();
            for (var i = 0; i < count; i++)
            {
                CallEventDecoder.Decode(events[i], 0, context, record);
                TapRecordHash.Compute(record, 3, hash);
            }

            var hashing = (clock.ElapsedMs * 1000 / count) - decode;
            clock.Restart();
            var totals = new TapRunningTotals();
            for (var i = 0; i < count; i++)
            {
                CallEventDecoder.Decode(events[i], 0, context, record);
                totals.Add(record);
            }

            var total = (clock.ElapsedMs * 1000 / count) - decode;
            Console.WriteLine($"per record (us): measure {measure:F3}  decode {decode:F3}  validate {validate:F3}  hash {hashing:F3}  totals {total:F3}  (avg {events.Average(e => e.Length):F0} bytes, errors {errors}, {sink})");
        }

        return 0;
    }
}
