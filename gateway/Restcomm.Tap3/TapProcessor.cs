using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Restcomm.Tap3.Internal;
using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3;

/// <summary>
/// Streams a TAP file of any size: the file-level groups are decoded as they pass, the call events are cut out of
/// the stream one by one and decoded, validated and hashed in parallel chunks, then delivered in file order.
/// Memory is bounded by the chunk size and the largest single element, not by the file.
/// </summary>
public static class TapProcessor
{
    /// <summary>
    /// Reads only as far as BatchControlInfo (or the Notification items) and returns the TAP version.
    /// </summary>
    public static async Task<TapVersion> SniffVersionAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var input = new StreamBuffer(stream, 4096, 16 * 1024 * 1024);
        var root = await ReadRootAsync(input, cancellationToken).ConfigureAwait(false);
        if (root.Tag == Notification)
        {
            var length = await MeasureAsync(input, Ber.DefaultMaxDepth, cancellationToken).ConfigureAwait(false);
            return DecodeNotification(input.Span[..length], input.Position, Ber.DefaultMaxDepth).Version;
        }

        input.Advance(root.HeaderLength);
        var first = await MeasureAsync(input, Ber.DefaultMaxDepth, cancellationToken).ConfigureAwait(false);
        var pos = 0;
        var element = Ber.Read(input.Span[..first], ref pos, first, input.Position, 1, Ber.DefaultMaxDepth);
        if (element.Tag != BatchControlInfo)
        {
            throw new TapFormatException($"BatchControlInfo must be the first element of a TransferBatch, found {Ber.DescribeTag(element.Tag)}", input.Position);
        }

        var header = new TapHeader();
        DecodeSection(input.Span[..first], input.Position, Ber.DefaultMaxDepth, header);
        return header.Version;
    }

    /// <summary>
    /// Decodes, validates and hashes the whole file. <paramref name="onChunk"/> (optional) receives the call events in
    /// file order, chunk by chunk. Throws <see cref="TapFormatException"/> when the BER is broken or the file is not TAP;
    /// TD.57 findings go to the result's report instead.
    /// </summary>
    public static async Task<TapProcessingResult> ProcessAsync(
        Stream stream,
        TapProcessingOptions? options,
        Func<TapRecordChunk, CancellationToken, ValueTask>? onChunk,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new TapProcessingOptions();
        var report = new TapValidationReport();
        var totals = new TapRunningTotals();
        var header = new TapHeader();
        var maxDepth = options.MaxDepth;
        using var input = new StreamBuffer(stream, 1 << 20, options.MaxElementBytes + 64);

        var root = await ReadRootAsync(input, cancellationToken).ConfigureAwait(false);
        if (root.Tag == Notification)
        {
            var length = await MeasureAsync(input, maxDepth, cancellationToken).ConfigureAwait(false);
            header = DecodeNotification(input.Span[..length], input.Position, maxDepth);
            input.Advance(length);
            await EnsureNothingAfterRootAsync(input, cancellationToken).ConfigureAwait(false);
            if (options.Validate)
            {
                TapValidator.ValidateHeader(header, report);
            }

            return new TapProcessingResult(header, report, totals, input.BytesRead);
        }

        header.Kind = TapFileKind.TransferBatch;
        input.Advance(root.HeaderLength);
        var rootEnd = root.Length >= 0 ? input.Position + root.Length : -1;
        var headerValidated = false;
        long nextIndex = 0;
        while (true)
        {
            if (rootEnd >= 0)
            {
                if (input.Position == rootEnd)
                {
                    break;
                }
            }
            else
            {
                await input.FillAsync(2, cancellationToken).ConfigureAwait(false);
                if (input.Available >= 2 && input.Span[0] == 0 && input.Span[1] == 0)
                {
                    input.Advance(2);
                    break;
                }
            }

            var child = await ReadHeaderAsync(input, cancellationToken).ConfigureAwait(false);
            if (child.Tag == CallEventDetailList && child.Constructed)
            {
                if (!headerValidated && options.Validate)
                {
                    header.HasCallEventList = true;
                    TapValidator.ValidateHeader(header, report);
                    headerValidated = true;
                }

                header.HasCallEventList = true;
                var listStart = input.Position;
                input.Advance(child.HeaderLength);
                var listEnd = child.Length >= 0 ? input.Position + child.Length : -1;
                if (rootEnd >= 0 && listEnd > rootEnd)
                {
                    throw new TapFormatException("CallEventDetailList extends beyond the TransferBatch", listStart);
                }

                nextIndex = await ProcessEventsAsync(input, listEnd, nextIndex, header, options, report, totals, onChunk, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var length = await MeasureAsync(input, maxDepth, cancellationToken).ConfigureAwait(false);
            if (rootEnd >= 0 && input.Position + length > rootEnd)
            {
                throw new TapFormatException($"element {Ber.DescribeTag(child.Tag)} extends beyond the TransferBatch", input.Position);
            }

            DecodeSection(input.Span[..length], input.Position, maxDepth, header);
            input.Advance(length);
        }

        await EnsureNothingAfterRootAsync(input, cancellationToken).ConfigureAwait(false);
        if (options.Validate)
        {
            if (!headerValidated)
            {
                TapValidator.ValidateHeader(header, report);
            }

            TapValidator.ValidateAudit(header, totals, report);
        }

        options.Progress?.Report(input.BytesRead);
        return new TapProcessingResult(header, report, totals, input.BytesRead);
    }

    private static void DecodeSection(ReadOnlySpan<byte> data, long baseOffset, int maxDepth, TapHeader header)
    {
        var pos = 0;
        var e = Ber.Read(data, ref pos, data.Length, baseOffset, 1, maxDepth);
        if (!e.Constructed)
        {
            return; // an unknown primitive extension of TransferBatch: skipped
        }

        try
        {
            switch (e.Tag)
            {
                case BatchControlInfo:
                    var bc = SectionDecoder.ReadBatchControl(data, e, baseOffset, maxDepth);
                    header.BatchControl = bc;
                    header.Version = new TapVersion(bc.SpecificationVersion ?? 0, bc.ReleaseVersion ?? 0);
                    break;
                case TapTags.AccountingInfo:
                    header.Accounting = SectionDecoder.ReadAccounting(data, e, baseOffset, maxDepth);
                    break;
                case TapTags.NetworkInfo:
                    header.Network = SectionDecoder.ReadNetwork(data, e, baseOffset, maxDepth);
                    break;
                case AuditControlInfo:
                    header.Audit = SectionDecoder.ReadAudit(data, e, baseOffset, maxDepth);
                    break;
                default:
                    break; // MessageDescriptionInfo and extensions: skipped
            }
        }
        catch (TapValueException ex)
        {
            throw new TapFormatException($"{ex.Item}: {ex.Reason}", ex.Offset);
        }
    }

    private static TapHeader DecodeNotification(ReadOnlySpan<byte> data, long baseOffset, int maxDepth)
    {
        var pos = 0;
        var root = Ber.Read(data, ref pos, data.Length, baseOffset, 0, maxDepth);
        var bc = new BatchControl();
        try
        {
            var c = new BerChildren(data, root, baseOffset, 1, maxDepth);
            while (c.MoveNext())
            {
                SectionDecoder.ReadBatchItem(ref c, bc);
            }
        }
        catch (TapValueException ex)
        {
            throw new TapFormatException($"{ex.Item}: {ex.Reason}", ex.Offset);
        }

        return new TapHeader
        {
            Kind = TapFileKind.Notification,
            BatchControl = bc,
            Version = new TapVersion(bc.SpecificationVersion ?? 0, bc.ReleaseVersion ?? 0),
        };
    }

    private readonly record struct Header(int Tag, bool Constructed, long Length, int HeaderLength);

    private static async ValueTask<Header> ReadRootAsync(StreamBuffer input, CancellationToken cancellationToken)
    {
        await input.FillAsync(1, cancellationToken).ConfigureAwait(false);
        if (input.Available == 0)
        {
            throw new TapFormatException("the file is empty", 0);
        }

        var root = await ReadHeaderAsync(input, cancellationToken).ConfigureAwait(false);
        if (root.Tag is TapTags.RapReturnBatch or TapTags.RapAcknowledgement)
        {
            throw new TapFormatException($"this is a RAP file ({(root.Tag == TapTags.RapReturnBatch ? "ReturnBatch" : "Acknowledgement")}), not a TAP transfer batch or notification", 0);
        }

        if (root.Tag is not (TransferBatch or Notification) || !root.Constructed)
        {
            throw new TapFormatException($"not a TAP file: the root element is {Ber.DescribeTag(root.Tag)}, expected TransferBatch [APPLICATION 1] or Notification [APPLICATION 2]", 0);
        }

        return root;
    }

    private static async ValueTask<Header> ReadHeaderAsync(StreamBuffer input, CancellationToken cancellationToken)
    {
        await input.FillAsync(16, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var status = Ber.ReadHeader(input.Span, 0, input.Available, input.Position, input.EndOfInput,
                out var tag, out var constructed, out var length, out var headerLength);
            if (status == Ber.HeaderStatus.Complete)
            {
                if (tag == Ber.MakeTag(0, 0))
                {
                    throw new TapFormatException("unexpected end-of-contents octets", input.Position);
                }

                return new Header(tag, constructed, length, headerLength);
            }

            await input.FillMoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the whole element at the current position available and returns its length.</summary>
    private static async ValueTask<int> MeasureAsync(StreamBuffer input, int maxDepth, CancellationToken cancellationToken)
    {
        while (true)
        {
            var measured = Ber.Measure(input.Span, 0, input.Available, input.Position, input.EndOfInput, 1, maxDepth);
            if (measured >= 0)
            {
                return (int)measured;
            }

            var needed = measured < -1 ? -measured - 1 : 0;
            if (needed > 0)
            {
                if (needed > int.MaxValue - 64)
                {
                    throw new TapFormatException($"element of {needed} bytes is larger than any supported element", input.Position);
                }

                await input.FillAsync((int)needed, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await input.FillMoreAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask EnsureNothingAfterRootAsync(StreamBuffer input, CancellationToken cancellationToken)
    {
        await input.FillAsync(1, cancellationToken).ConfigureAwait(false);
        if (input.Available > 0)
        {
            var what = input.Available >= 2 && input.Span[0] == 0 && input.Span[1] == 0 ? "stray end-of-contents octets" : "unexpected data";
            throw new TapFormatException($"{what} after the end of the root element", input.Position);
        }
    }

    private static async Task<long> ProcessEventsAsync(
        StreamBuffer input,
        long listEnd,
        long firstIndex,
        TapHeader header,
        TapProcessingOptions options,
        TapValidationReport report,
        TapRunningTotals totals,
        Func<TapRecordChunk, CancellationToken, ValueTask>? onChunk,
        CancellationToken cancellationToken)
    {
        var context = new TapDecodeContext(options.MaxDepth);
        if (header.Network is { } network)
        {
            context.SetOffsets(network.UtcOffsets);
        }

        var workers = Math.Max(1, options.MaxDegreeOfParallelism);
        var chunkSize = Math.Max(1, options.ChunkSize);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = cts.Token;
        var work = Channel.CreateBounded<WorkChunk>(new BoundedChannelOptions(workers * 2) { SingleWriter = true });
        var ordered = Channel.CreateBounded<WorkChunk>(new BoundedChannelOptions(workers * 2 + 1) { SingleWriter = true, SingleReader = true });
        var free = new ConcurrentBag<WorkChunk>();
        var job = new ChunkJob(header, context, options);

        var workerTasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            workerTasks[w] = Task.Run(async () =>
            {
                await foreach (var chunk in work.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    try
                    {
                        job.Process(chunk);
                        chunk.Done.TrySetResult();
                    }
#pragma warning disable CA1031 // the failure is handed to the ordered consumer, which rethrows it
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        chunk.Done.TrySetException(ex);
                    }
                }
            }, token);
        }

        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in ordered.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    // Cancellable: after a failure or cancellation a queued chunk may never reach a worker.
                    await chunk.Done.Task.WaitAsync(token).ConfigureAwait(false);
                    foreach (var error in chunk.Errors)
                    {
                        report.Add(error);
                    }

                    totals.Add(chunk.Totals);
                    if (onChunk is not null)
                    {
                        chunk.Public.RawBuffer = chunk.Raw;
                        await onChunk(chunk.Public, token).ConfigureAwait(false);
                    }

                    options.Progress?.Report(chunk.BytesReadAtDispatch);
                    chunk.Recycle();
                    free.Add(chunk);
                }
            }
            catch
            {
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, token);

        Exception? readerFailure = null;
        var index = firstIndex;
        try
        {
            var current = Take(free, chunkSize, index);
            current.Public.Header = header;
            while (true)
            {
                if (listEnd >= 0)
                {
                    if (input.Position == listEnd)
                    {
                        break;
                    }

                    if (input.Position > listEnd)
                    {
                        throw new TapFormatException("a call event extends beyond the end of CallEventDetailList", listEnd);
                    }
                }
                else
                {
                    if (input.Available < 2)
                    {
                        await input.FillAsync(2, token).ConfigureAwait(false);
                    }

                    if (input.Available >= 2 && input.Span[0] == 0 && input.Span[1] == 0)
                    {
                        input.Advance(2);
                        break;
                    }
                }

                // Synchronous while the window holds the whole call event (almost always); otherwise read on.
                var measured = Ber.Measure(input.Span, 0, input.Available, input.Position, input.EndOfInput, 1, options.MaxDepth);
                var length = measured >= 0 ? (int)measured : await MeasureAsync(input, options.MaxDepth, token).ConfigureAwait(false);
                if (listEnd >= 0 && input.Position + length > listEnd)
                {
                    throw new TapFormatException("a call event extends beyond the end of CallEventDetailList", input.Position);
                }

                current.Append(input.Span[..length], input.Position);
                input.Advance(length);
                index++;
                if (current.Public.Count == chunkSize)
                {
                    current.BytesReadAtDispatch = input.Position;
                    await ordered.Writer.WriteAsync(current, token).ConfigureAwait(false);
                    await work.Writer.WriteAsync(current, token).ConfigureAwait(false);
                    current = Take(free, chunkSize, index);
                    current.Public.Header = header;
                }
            }

            if (current.Public.Count > 0)
            {
                current.BytesReadAtDispatch = input.Position;
                await ordered.Writer.WriteAsync(current, token).ConfigureAwait(false);
                await work.Writer.WriteAsync(current, token).ConfigureAwait(false);
            }
            else
            {
                current.Dispose();
            }
        }
#pragma warning disable CA1031 // rethrown below after the pipeline has drained
        catch (Exception ex)
#pragma warning restore CA1031
        {
            readerFailure = ex;
            await cts.CancelAsync().ConfigureAwait(false);
        }

        work.Writer.TryComplete();
        ordered.Writer.TryComplete();
        Exception? consumerFailure = null;
        try
        {
            await consumer.ConfigureAwait(false);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            consumerFailure = ex;
        }

        try
        {
            await Task.WhenAll(workerTasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the pipeline was stopped because of another failure
        }

        while (free.TryTake(out var chunk))
        {
            chunk.Dispose();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (readerFailure is not null and not OperationCanceledException)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readerFailure);
        }

        if (consumerFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(consumerFailure);
        }

        if (readerFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readerFailure);
        }

        return index;
    }

    private static WorkChunk Take(ConcurrentBag<WorkChunk> free, int capacity, long firstIndex)
    {
        if (!free.TryTake(out var chunk))
        {
            chunk = new WorkChunk(capacity);
        }

        chunk.Reset(firstIndex);
        return chunk;
    }

    /// <summary>What a worker does with a chunk: decode, validate and hash each call event.</summary>
    private sealed class ChunkJob
    {
        private readonly TapHeader _header;
        private readonly TapDecodeContext _context;
        private readonly TapProcessingOptions _options;
        private readonly int _decimalPlaces;

        public ChunkJob(TapHeader header, TapDecodeContext context, TapProcessingOptions options)
        {
            _header = header;
            _context = context;
            _options = options;
            _decimalPlaces = header.Accounting?.TapDecimalPlaces ?? 0;
        }

        [ThreadStatic]
        private static FlatRecord? t_record;

        [ThreadStatic]
        private static byte[]? t_scratch;

        /// <summary>
        /// Reports the elements with tags TD.57 does not define that the decoder found holding TD.57 items: severe when
        /// they hold charges, taxes or discounts (money the audit totals cannot account for), a warning otherwise.
        /// Returns true when one was severe.
        /// </summary>
        private static bool ReportUnknown(WorkChunk chunk, FlatRecord record, ReadOnlySpan<byte> data, long offset, long index)
        {
            var severe = false;
            for (var u = 0; u < record.UnknownCount; u++)
            {
                var unknown = record.Unknowns[u];
                var where = CallEventDecoder.PathTo(data, offset, unknown.Offset);
                var tag = Ber.DescribeTag(unknown.Tag);
                if (unknown.HoldsMoney)
                {
                    severe = true;
                    chunk.AddError(new TapValidationError(TapSeverity.Severe, 10, record.Kind.ToString(), tag, index, unknown.Offset,
                        $"element {tag} in {where} is not defined by TD.57 but holds charge, tax or discount items: they cannot be accounted for"));
                }
                else
                {
                    chunk.AddError(new TapValidationError(TapSeverity.Warning, 0, record.Kind.ToString(), tag, index, unknown.Offset,
                        $"element {tag} in {where} is not defined by TD.57 but holds TD.57 items; it was skipped"));
                }
            }

            return severe;
        }

        public void Process(WorkChunk chunk)
        {
            var pub = chunk.Public;
            var record = t_record ??= new FlatRecord();
            for (var i = 0; i < pub.Count; i++)
            {
                var data = chunk.Raw.AsSpan(chunk.RawStart[i], chunk.RawLength[i]);
                var offset = pub.Offsets[i];
                var index = pub.FirstIndex + i;
                var hash = pub.HashBuffer.AsSpan(i * TapRecordHash.Size, TapRecordHash.Size);
                chunk.SevereSeen = false;
                try
                {
                    if (!CallEventDecoder.Decode(data, offset, _context, record))
                    {
                        var pos = 0;
                        var element = Ber.Read(data, ref pos, data.Length, offset, 1, _options.MaxDepth);
                        chunk.Totals.AddUndecodable();
                        hash.Clear();
                        if (_options.Validate)
                        {
                            chunk.AddError(new TapValidationError(TapSeverity.Warning, 0, "CallEventDetailList", Ber.DescribeTag(element.Tag), index, offset,
                                $"call event type {Ber.DescribeTag(element.Tag)} is not known to this decoder and was skipped"));
                        }

                        pub.Events[i] = null;
                        pub.Rejected[i] = false;
                        continue;
                    }
                }
                catch (TapValueException ex)
                {
                    // TD.57: the call event is rejected, yet its charges still count in the audit totals.
                    var scratch = t_scratch ??= new byte[1024];
                    var readAround = CallEventDecoder.DecodeAround(data, offset, _context, record, ex, ref scratch);
                    t_scratch = scratch;
                    if (readAround)
                    {
                        chunk.Totals.Add(record);
                    }
                    else
                    {
                        chunk.Totals.AddUndecodable();
                    }

                    hash.Clear();
                    if (_options.Validate)
                    {
                        chunk.AddError(new TapValidationError(TapSeverity.Severe, 10, "CallEventDetail", ex.Item, index, ex.Offset,
                            $"syntax error in {ex.Item}: {ex.Reason}"));
                        if (readAround)
                        {
                            ReportUnknown(chunk, record, data, offset, index);
                        }
                    }

                    pub.Events[i] = null;
                    pub.Rejected[i] = true;
                    continue;
                }

                chunk.Totals.Add(record);
                if (record.UnknownCount > 0 && _options.Validate && ReportUnknown(chunk, record, data, offset, index))
                {
                    // Charges under a tag TD.57 does not define: the call event goes back whole, from its raw bytes.
                    TapValidator.ValidateRecord(record, index, offset, _header, chunk.AddErrorAction);
                    hash.Clear();
                    pub.Events[i] = null;
                    pub.Rejected[i] = true;
                    continue;
                }

                if (_options.Validate)
                {
                    TapValidator.ValidateRecord(record, index, offset, _header, chunk.AddErrorAction);
                }

                if (_options.ComputeHashes)
                {
                    TapRecordHash.Compute(record, _decimalPlaces, hash);
                }

                if (_options.KeepRecords)
                {
                    pub.Events[i] = record.ToCallEvent(); // otherwise the slot is still null (cleared when recycled)
                }

                pub.Rejected[i] = chunk.SevereSeen;
            }
        }
    }

    /// <summary>A chunk in flight: the raw call events copied out of the stream, and the results.</summary>
    private sealed class WorkChunk : IDisposable
    {
        private int _rawUsed;

        public WorkChunk(int capacity)
        {
            Public = new TapRecordChunk(capacity);
            RawStart = new int[capacity];
            RawLength = new int[capacity];
            Public.RawStart = RawStart;
            Public.RawLength = RawLength;
            Raw = ArrayPool<byte>.Shared.Rent(capacity * 256);
            AddErrorAction = AddError;
        }

        public TapRecordChunk Public { get; }

        public byte[] Raw { get; private set; }

        public int[] RawStart { get; }

        public int[] RawLength { get; }

        public List<TapValidationError> Errors { get; } = [];

        public TapRunningTotals Totals { get; } = new();

        public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Action<TapValidationError> AddErrorAction { get; }

        public bool SevereSeen { get; set; }

        public long BytesReadAtDispatch { get; set; }

        public void AddError(TapValidationError error)
        {
            if (error.Severity == TapSeverity.Severe)
            {
                SevereSeen = true;
            }

            Errors.Add(error);
        }

        public void Reset(long firstIndex)
        {
            Public.FirstIndex = firstIndex;
            Public.Count = 0;
            _rawUsed = 0;
            Errors.Clear();
            Totals.Reset();
            Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Append(ReadOnlySpan<byte> element, long offset)
        {
            if (Raw.Length - _rawUsed < element.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Raw.Length * 2, _rawUsed + element.Length));
                Buffer.BlockCopy(Raw, 0, bigger, 0, _rawUsed);
                ArrayPool<byte>.Shared.Return(Raw);
                Raw = bigger;
            }

            var i = Public.Count;
            element.CopyTo(Raw.AsSpan(_rawUsed));
            RawStart[i] = _rawUsed;
            RawLength[i] = element.Length;
            Public.Offsets[i] = offset;
            _rawUsed += element.Length;
            Public.Count = i + 1;
        }

        public void Recycle()
        {
            Array.Clear(Public.Events, 0, Public.Count);
            if (Raw.Length > 8 * 1024 * 1024)
            {
                // A chunk that held huge events gives the memory back rather than keeping it for ever.
                ArrayPool<byte>.Shared.Return(Raw);
                Raw = ArrayPool<byte>.Shared.Rent(RawStart.Length * 256);
            }
        }

        public void Dispose()
        {
            var raw = Raw;
            Raw = [];
            if (raw.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }
}
