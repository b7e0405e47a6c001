using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3;

/// <summary>What a RAP file needs besides the validation report and the returned TAP file.</summary>
public sealed class RapBuildOptions
{
    /// <summary>RapFileSequenceNumber: five digits, one more than the last RAP file sent to this partner.</summary>
    public required string RapFileSequenceNumber { get; init; }

    /// <summary>RapFileCreationTimeStamp; the current UTC time when not set.</summary>
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>RapFileAvailableTimeStamp; the creation time when not set.</summary>
    public DateTimeOffset? AvailableTime { get; init; }

    /// <summary>FileTypeIndicator ("T" for a test file); when not set, that of the returned TAP file (if any).</summary>
    public string? FileTypeIndicator { get; init; }

    /// <summary>
    /// The call event at a record index as it was in the TAP file (its BER element), for rejected call events that
    /// could not be decoded (severe syntax errors). It is written with definite lengths. Not needed otherwise.
    /// </summary>
    public Func<long, ReadOnlyMemory<byte>?>? RawCallEvent { get; init; }
}

/// <summary>
/// Builds and writes RAP 1.5 (TD.32) ReturnBatch files from a TD.57 <see cref="TapValidationReport"/>: one FatalReturn
/// when the TAP file has fatal errors (the whole file is returned), otherwise one SevereReturn per rejected call event.
/// The output is BER with definite, minimal lengths (<see cref="RapDecoder"/> reads it back).
/// </summary>
public static class RapEncoder
{
    /// <summary>RapSpecificationVersionNumber written (RAP 1.5).</summary>
    public const int RapSpecificationVersion = 1;

    /// <summary>RapReleaseVersionNumber written (RAP 1.5).</summary>
    public const int RapReleaseVersion = 5;

    /// <summary>Builds the ReturnBatch for a document read in memory (its events and its validation report).</summary>
    public static RapReturnBatch Build(TapDocument document, RapBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(document);
        var events = document.Events;
        return Build(document.Validation, document.Header, i => i >= 0 && i < events.Count ? events[(int)i] : null, options);
    }

    /// <summary>
    /// Builds the ReturnBatch for <paramref name="report"/> on the TAP file described by <paramref name="header"/>.
    /// <paramref name="callEvent"/> gives the decoded call event at a record index (only rejected ones are asked for).
    /// Throws <see cref="InvalidOperationException"/> when the report has neither fatal errors nor rejected call
    /// events (a RAP file must return something), or when a rejected call event is not available.
    /// </summary>
    public static RapReturnBatch Build(TapValidationReport report, TapHeader header, Func<long, CallEvent?> callEvent, RapBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(callEvent);
        ArgumentNullException.ThrowIfNull(options);
        var details = report.ToReturnDetails();
        if (details.Count == 0)
        {
            throw new InvalidOperationException("the validation report has no fatal errors and no rejected call events: there is nothing to return in a RAP file");
        }

        var tap = header.BatchControl ?? new BatchControl();
        var created = options.CreationTime ?? DateTimeOffset.UtcNow;
        var batch = new RapReturnBatch
        {
            BatchControl = new RapBatchControl
            {
                Sender = tap.Recipient,
                Recipient = tap.Sender,
                RapFileSequenceNumber = options.RapFileSequenceNumber,
                CreationTime = ToTimestamp(created),
                AvailableTime = ToTimestamp(options.AvailableTime ?? created),
                SpecificationVersion = tap.SpecificationVersion,
                ReleaseVersion = tap.ReleaseVersion,
                RapSpecificationVersion = RapSpecificationVersion,
                RapReleaseVersion = RapReleaseVersion,
                FileTypeIndicator = options.FileTypeIndicator ?? tap.FileTypeIndicator,
                TapDecimalPlaces = header.Accounting?.TapDecimalPlaces,
                TapCurrency = header.Accounting?.TapCurrency,
            },
        };

        var fileSequence = tap.FileSequenceNumber ?? "00000";
        var totals = new TapRunningTotals();
        if (report.IsFatal)
        {
            batch.Returns.Add(BuildFatal(details, header, fileSequence));
        }
        else
        {
            foreach (var detail in details)
            {
                var index = detail.RecordIndex ?? throw new InvalidOperationException("a severe return without a record index");
                ReadOnlyMemory<byte> data;
                if (callEvent(index) is { } e)
                {
                    data = TapEncoder.EncodeCallEvent(e);
                    totals.Add(e);
                }
                else if (options.RawCallEvent?.Invoke(index) is { } raw)
                {
                    data = BerDefinite.Rewrite(raw.Span);
                }
                else
                {
                    throw new InvalidOperationException($"call event {index} is rejected but neither it nor its raw bytes are available to return");
                }

                var path = RapPaths.CallEvent(RapPaths.TagOf(data.Span), index);
                batch.Returns.Add(new RapSevereReturn(fileSequence, data, [.. detail.Errors.Select(err => Detail(err, path))]));
            }
        }

        batch.TotalSevereReturnValue = totals.TotalCharge;
        batch.TotalSevereReturnTax = totals.TotalTax;
        batch.ReturnDetailsCount = batch.Returns.Count;
        return batch;
    }

    /// <summary>Builds (see <see cref="Build(TapValidationReport, TapHeader, Func{long, CallEvent?}, RapBuildOptions)"/>) and encodes.</summary>
    public static byte[] Encode(TapValidationReport report, TapHeader header, Func<long, CallEvent?> callEvent, RapBuildOptions options) =>
        Encode(Build(report, header, callEvent, options));

    /// <summary>
    /// Encodes <paramref name="batch"/> as a RAP 1.5 ReturnBatch. Throws <see cref="InvalidOperationException"/> when it
    /// has no ReturnDetail (TD.32 has no empty ReturnBatch; an acknowledgement is a different file).
    /// </summary>
    public static byte[] Encode(RapReturnBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Returns.Count == 0)
        {
            throw new InvalidOperationException("a RAP ReturnBatch needs at least one ReturnDetail; there is nothing to return");
        }

        using var w = new BerWriter(4096);
        w.Begin(RapTags.ReturnBatch);
        WriteBatchControl(w, batch.BatchControl);
        w.Begin(RapTags.ReturnDetailList);
        foreach (var item in batch.Returns)
        {
            switch (item)
            {
                case RapFatalReturn fatal:
                    w.Begin(RapTags.FatalReturn);
                    w.Text(TapTags.FileSequenceNumber, fatal.FileSequenceNumber);
                    foreach (var group in fatal.Groups.OrderBy(g => g.Group))
                    {
                        w.Begin(RapTags.GroupErrorTag(group.Group));
                        w.Raw(group.GroupData.Span);
                        WriteErrors(w, group.Errors);
                        w.End();
                    }

                    w.End();
                    break;
                case RapSevereReturn severe:
                    w.Begin(RapTags.SevereReturn);
                    w.Text(TapTags.FileSequenceNumber, severe.FileSequenceNumber);
                    w.Raw(severe.CallEventData.Span);
                    WriteErrors(w, severe.Errors);
                    w.End();
                    break;
                default:
                    throw new NotSupportedException($"{item.GetType().Name} cannot be encoded");
            }
        }

        w.End();
        w.Begin(RapTags.RapAuditControlInfo);
        w.Integer(RapTags.TotalSevereReturnValue, batch.TotalSevereReturnValue ?? 0);
        w.Integer(RapTags.ReturnDetailsCount, batch.ReturnDetailsCount ?? batch.Returns.Count);
        w.Integer(RapTags.TotalSevereReturnTax, batch.TotalSevereReturnTax);
        w.End();
        w.End();
        return w.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the BER element that starts at <paramref name="offset"/> in a seekable TAP file, e.g. a call event that
    /// could not be decoded, for <see cref="RapBuildOptions.RawCallEvent"/>. At most 16 MiB; malformed BER throws
    /// <see cref="TapFormatException"/>.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadElementAsync(Stream stream, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        const int Limit = 16 << 20;
        var buffer = new byte[4096];
        var filled = 0;
        stream.Seek(offset, SeekOrigin.Begin);
        while (true)
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(filled), buffer.Length - filled, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            filled += read;
            var length = Ber.Measure(buffer, 0, filled, offset, filled < buffer.Length, 1, Ber.DefaultMaxDepth);
            if (length >= 0)
            {
                return buffer.AsMemory(0, (int)length);
            }

            if (buffer.Length >= Limit)
            {
                throw new TapFormatException($"element longer than {Limit} bytes", offset);
            }

            Array.Resize(ref buffer, buffer.Length * 2);
        }
    }

    private static RapFatalReturn BuildFatal(IReadOnlyList<RapReturnDetail> details, TapHeader header, string fileSequence)
    {
        var byGroup = new SortedDictionary<RapFatalGroup, List<RapErrorDetail>>();
        foreach (var detail in details.Where(d => d.Kind == RapReturnKind.Fatal))
        {
            foreach (var error in detail.Errors)
            {
                var (group, path) = RapPaths.Fatal(error, header);
                if (!byGroup.TryGetValue(group, out var list))
                {
                    byGroup[group] = list = [];
                }

                list.Add(Detail(error, path));
            }
        }

        return new RapFatalReturn(fileSequence, [.. byGroup.Select(g => new RapGroupError(g.Key, GroupData(g.Key, header), g.Value))]);
    }

    private static ReadOnlyMemory<byte> GroupData(RapFatalGroup group, TapHeader header)
    {
        using var w = new BerWriter(1024);
        switch (group)
        {
            case RapFatalGroup.Notification:
                return TapEncoder.Encode(new TapDocument { Header = header });
            case RapFatalGroup.BatchControl:
                TapWriterCore.WriteBatchControl(w, header.BatchControl!);
                break;
            case RapFatalGroup.AccountingInfo:
                TapWriterCore.WriteAccounting(w, header.Accounting!);
                break;
            case RapFatalGroup.NetworkInfo:
                TapWriterCore.WriteNetwork(w, header.Network!);
                break;
            case RapFatalGroup.AuditControlInfo:
                TapWriterCore.WriteAudit(w, header.Audit!);
                break;
            default:
                return ReadOnlyMemory<byte>.Empty;
        }

        return w.WrittenSpan.ToArray();
    }

    private static RapErrorDetail Detail(TapValidationError error, IReadOnlyList<RapErrorContext> path) =>
        new(error.Code, error.Offset >= 0 ? error.Offset : null, path);

    private static void WriteErrors(BerWriter w, IReadOnlyList<RapErrorDetail> errors)
    {
        w.Begin(RapTags.ErrorDetailList);
        foreach (var error in errors)
        {
            w.Begin(RapTags.ErrorDetail);
            if (error.Context.Count > 0)
            {
                w.Begin(RapTags.ErrorContextList);
                foreach (var step in error.Context)
                {
                    w.Begin(RapTags.ErrorContext);
                    w.Integer(RapTags.PathItemId, step.PathItemId);
                    w.Integer(RapTags.ItemOccurrence, step.ItemOccurrence);
                    w.Integer(RapTags.ItemLevel, step.ItemLevel);
                    w.End();
                }

                w.End();
            }

            w.Integer(RapTags.ItemOffset, error.ItemOffset);
            w.Integer(RapTags.ErrorCode, error.ErrorCode);
            w.End();
        }

        w.End();
    }

    private static void WriteBatchControl(BerWriter w, RapBatchControl bc)
    {
        w.Begin(RapTags.RapBatchControlInfo);
        w.Text(TapTags.Sender, bc.Sender);
        w.Text(TapTags.Recipient, bc.Recipient);
        w.Text(TapTags.RapFileSequenceNumber, bc.RapFileSequenceNumber);
        TapWriterCore.WriteDateTimeLong(w, RapTags.RapFileCreationTimeStamp, bc.CreationTime);
        TapWriterCore.WriteDateTimeLong(w, RapTags.RapFileAvailableTimeStamp, bc.AvailableTime);
        w.Integer(TapTags.SpecificationVersionNumber, bc.SpecificationVersion);
        w.Integer(TapTags.ReleaseVersionNumber, bc.ReleaseVersion);
        w.Integer(RapTags.RapSpecificationVersionNumber, bc.RapSpecificationVersion);
        w.Integer(RapTags.RapReleaseVersionNumber, bc.RapReleaseVersion);
        w.Text(TapTags.FileTypeIndicator, bc.FileTypeIndicator);
        w.Text(RapTags.RoamingPartner, bc.RoamingPartner);
        w.Integer(TapTags.TapDecimalPlaces, bc.TapDecimalPlaces);
        w.Text(TapTags.TapCurrency, bc.TapCurrency);
        w.End();
    }

    private static TapTimestamp ToTimestamp(DateTimeOffset time)
    {
        var local = new DateTime(time.DateTime.Ticks - (time.DateTime.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Unspecified);
        return new TapTimestamp(local, null, (int)time.Offset.TotalMinutes);
    }
}
