using System.Globalization;
using Restcomm.Ingestion;

namespace Restcomm.Cli.Tap;

/// <summary>
/// The live progress of <c>tap ingest</c> on stderr, one line redrawn at most five times a second: while validating,
/// the share of the file read; then records decoded / batched / endorsed / committed, the committed rate and an ETA
/// from it over the call events of the file.
/// </summary>
internal sealed class IngestProgressLine(TextWriter writer) : IProgress<IngestionProgress>, IDisposable
{
    private readonly Lock _gate = new();
    private TimeSpan _lastDraw = TimeSpan.FromSeconds(-1);
    private TimeSpan _ingestStarted = TimeSpan.MinValue;
    private int _width;
    private bool _disposed;

    public void Report(IngestionProgress value)
    {
        lock (_gate)
        {
            if (_disposed || (value.Elapsed - _lastDraw < TimeSpan.FromMilliseconds(200) && value.Phase != IngestionPhase.Done))
            {
                return;
            }

            _lastDraw = value.Elapsed;
            var line = Format(value);
            writer.Write("\r" + line.PadRight(_width));
            writer.Flush();
            _width = line.Length;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed && _width > 0)
            {
                writer.WriteLine();
                writer.Flush();
            }

            _disposed = true;
        }
    }

    private string Format(IngestionProgress p)
    {
        if (p.Phase == IngestionPhase.Validating)
        {
            var share = p.FileBytes > 0 ? 100.0 * p.BytesRead / p.FileBytes : 0;
            return string.Create(CultureInfo.InvariantCulture, $"validating {share,5:F1}%  {p.RecordsValidated:N0} call events  {p.Elapsed.TotalSeconds:F1}s");
        }

        if (_ingestStarted == TimeSpan.MinValue)
        {
            _ingestStarted = p.Elapsed;
        }

        var seconds = (p.Elapsed - _ingestStarted).TotalSeconds;
        var rate = seconds > 0.5 ? p.RecordsCommitted / seconds : 0;
        // Not every call event becomes a record (rejected, unsettled kinds): expect the share seen so far.
        var expected = p.RecordsDecoded > 0 ? p.RecordsInFile * Math.Min(1.0, (double)p.RecordsBatched / p.RecordsDecoded) : p.RecordsInFile;
        var eta = rate > 0 && expected > p.RecordsCommitted ? string.Create(CultureInfo.InvariantCulture, $"ETA {(expected - p.RecordsCommitted) / rate:F0}s") : "ETA -";
        return string.Create(CultureInfo.InvariantCulture,
            $"validated {p.RecordsValidated:N0}  decoded {p.RecordsDecoded:N0}  batched {p.RecordsBatched:N0}  endorsed {p.RecordsEndorsed:N0}  committed {p.RecordsCommitted:N0}/{p.RecordsInFile:N0}  ({p.BatchesCommitted} batches, {p.BatchesInFlight} in flight)  {rate:N0} rec/s  {eta}  {p.Elapsed.TotalSeconds:F1}s");
    }
}
