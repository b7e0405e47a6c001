using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Restcomm.Benchmarks;

/// <summary>
/// Samples what the process allocates by type, from the runtime's GC allocation-tick events (one event per ~100 KB
/// allocated, naming the type of the object that crossed the mark), to see where allocation volume comes from.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick at verbose
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Enabled || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var kindIndex = eventData.PayloadNames.IndexOf("AllocationKind");
        if (kindIndex >= 0 && Convert.ToInt32(eventData.Payload[kindIndex], System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            // The large object heap (objects of 85,000 bytes and more), collected only with generation 2.
            type += " (large object heap)";
        }

        var sizeIndex = eventData.PayloadNames.IndexOf("ObjectSize");
        if (sizeIndex >= 0 && type.StartsWith("System.Byte[]", StringComparison.Ordinal))
        {
            var size = Convert.ToInt64(eventData.Payload[sizeIndex], System.Globalization.CultureInfo.InvariantCulture);
            type += size < 1024 ? " < 1 KiB" : size < 16384 ? " 1-16 KiB" : size < 85000 ? " 16-83 KiB" : $" {size / 1024} KiB";
        }

        var amount = Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    public void Print(int top)
    {
        var total = _bytes.Values.Sum();
        Console.WriteLine($"sampled allocations by type (total {total / 1048576.0:F0} MiB sampled):");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"  {100.0 * bytes / total,5:F1} %  {type}");
        }
    }
}
