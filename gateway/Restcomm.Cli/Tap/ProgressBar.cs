using System.Diagnostics;
using System.Globalization;

namespace Restcomm.Cli.Tap;

/// <summary>A one-line progress bar on stderr, redrawn at most five times a second.</summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public ProgressBar(TextWriter writer, long total)
    {
        _writer = writer;
        _total = Math.Max(1, total);
    }

    public void Report(long value)
    {
        lock (_gate)
        {
            var now = _clock.ElapsedMilliseconds;
            if (now - _lastDrawMs < 200 && value < _total)
            {
                return;
            }

            _lastDrawMs = now;
            var fraction = Math.Clamp((double)value / _total, 0, 1);
            var filled = (int)(fraction * Width);
            var bar = new string('#', filled) + new string('-', Width - filled);
            _writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{bar}] {fraction * 100,5:F1}%  {value:N0}/{_total:N0}  {_clock.Elapsed.TotalSeconds:F1}s"));
            _writer.Flush();
            _drawn = true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                _writer.WriteLine();
                _writer.Flush();
            }
        }
    }
}
