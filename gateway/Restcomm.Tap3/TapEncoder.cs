using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3;

/// <summary>Encodes TAP 3.12 with definite lengths (a whole document in memory).</summary>
public static class TapEncoder
{
    /// <summary>
    /// Encodes <paramref name="document"/> as a TAP 3.12 TransferBatch (or Notification). When the header has no
    /// AuditControlInfo one is computed from the call events.
    /// </summary>
    public static byte[] Encode(TapDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var w = new BerWriter();
        var header = document.Header;
        if (header.Kind == TapFileKind.Notification)
        {
            var bc = header.BatchControl ?? new BatchControl();
            w.Begin(TapTags.Notification);
            w.Text(TapTags.Sender, bc.Sender);
            w.Text(TapTags.Recipient, bc.Recipient);
            w.Text(TapTags.FileSequenceNumber, bc.FileSequenceNumber);
            w.Text(TapTags.RapFileSequenceNumber, bc.RapFileSequenceNumber);
            TapWriterCore.WriteDateTimeLong(w, TapTags.FileCreationTimeStamp, bc.FileCreationTime);
            TapWriterCore.WriteDateTimeLong(w, TapTags.FileAvailableTimeStamp, bc.FileAvailableTime);
            TapWriterCore.WriteDateTimeLong(w, TapTags.TransferCutOffTimeStamp, bc.TransferCutOffTime);
            w.Integer(TapTags.SpecificationVersionNumber, bc.SpecificationVersion);
            w.Integer(TapTags.ReleaseVersionNumber, bc.ReleaseVersion);
            w.Text(TapTags.FileTypeIndicator, bc.FileTypeIndicator);
            w.End();
            return w.WrittenSpan.ToArray();
        }

        w.Begin(TapTags.TransferBatch);
        TapWriterCore.WriteHeaderGroups(w, header);
        w.Begin(TapTags.CallEventDetailList);
        foreach (var e in document.Events)
        {
            TapWriterCore.WriteCallEvent(w, e);
        }

        w.End();
        TapWriterCore.WriteAudit(w, header.Audit ?? ComputeAudit(document.Events));
        w.End();
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Encodes one call event on its own (as it appears inside CallEventDetailList).</summary>
    public static byte[] EncodeCallEvent(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        using var w = new BerWriter(512);
        TapWriterCore.WriteCallEvent(w, callEvent);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>AuditControlInfo that matches <paramref name="events"/>.</summary>
    public static AuditControl ComputeAudit(IEnumerable<CallEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var totals = new TapRunningTotals();
        foreach (var e in events)
        {
            totals.Add(e);
        }

        return ComputeAudit(totals);
    }

    /// <summary>AuditControlInfo from running totals (timestamps written in UTC).</summary>
    public static AuditControl ComputeAudit(TapRunningTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return new AuditControl
        {
            EarliestCallTime = totals.EarliestUtc is DateTime earliest ? new TapTimestamp(DateTime.SpecifyKind(earliest, DateTimeKind.Unspecified), null, 0) : null,
            LatestCallTime = totals.LatestUtc is DateTime latest ? new TapTimestamp(DateTime.SpecifyKind(latest, DateTimeKind.Unspecified), null, 0) : null,
            TotalCharge = totals.TotalCharge,
            TotalTaxValue = totals.TotalTax,
            TotalDiscountValue = totals.TotalDiscount,
            CallEventDetailsCount = totals.RecordCount,
        };
    }
}

/// <summary>
/// Writes a TAP 3.12 transfer batch to a stream one call event at a time, so files of millions of records are written
/// in flat memory. The TransferBatch and CallEventDetailList use the indefinite length form (legal BER, common in
/// real files); everything inside them is definite. AuditControlInfo is computed from what was written.
/// </summary>
public sealed class TapFileWriter : IAsyncDisposable
{
    private const int FlushThreshold = 1 << 20;
    private readonly Stream _stream;
    private readonly BerWriter _writer = new(FlushThreshold + (64 * 1024));
    private readonly TapRunningTotals _totals = new();
    private bool _completed;

    /// <summary>Starts the file: TransferBatch, BatchControlInfo, AccountingInfo, NetworkInfo, CallEventDetailList.</summary>
    public TapFileWriter(Stream stream, TapHeader header)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        _stream = stream;
        _writer.BeginIndefinite(TapTags.TransferBatch);
        TapWriterCore.WriteHeaderGroups(_writer, header);
        _writer.BeginIndefinite(TapTags.CallEventDetailList);
    }

    /// <summary>Call events written so far.</summary>
    public long Count => _totals.RecordCount;

    /// <summary>Appends one call event.</summary>
    public async ValueTask WriteAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        TapWriterCore.WriteCallEvent(_writer, callEvent);
        _totals.Add(callEvent);
        if (_writer.Length >= FlushThreshold)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the call event list, writes AuditControlInfo (computed unless given) and ends the file.</summary>
    public async ValueTask CompleteAsync(AuditControl? audit, CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _writer.EndOfContents();
        TapWriterCore.WriteAudit(_writer, audit ?? TapEncoder.ComputeAudit(_totals));
        _writer.EndOfContents();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _writer.Clear();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
