namespace Restcomm.Tap3;

/// <summary>Convenience entry points that read a whole TAP file into a <see cref="TapDocument"/>.</summary>
public static class TapReader
{
    /// <summary>
    /// Decodes and validates the whole stream into memory (use <see cref="TapProcessor.ProcessAsync"/> for large files).
    /// Throws <see cref="TapFormatException"/> for malformed BER.
    /// </summary>
    public static async Task<TapDocument> ReadAsync(Stream stream, CancellationToken cancellationToken, TapProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var effective = options ?? new TapProcessingOptions();
        effective.KeepRecords = true;
        var events = new List<CallEvent>();
        var result = await TapProcessor.ProcessAsync(stream, effective, (chunk, _) =>
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                if (chunk.GetEvent(i) is { } e)
                {
                    events.Add(e);
                }
            }

            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new TapDocument { Header = result.Header, Events = events, Validation = result.Validation };
    }

    /// <summary>Decodes and validates bytes in memory.</summary>
    public static async Task<TapDocument> ReadAsync(byte[] data, CancellationToken cancellationToken, TapProcessingOptions? options = null)
    {
        using var stream = new MemoryStream(data, writable: false);
        return await ReadAsync(stream, cancellationToken, options).ConfigureAwait(false);
    }

    /// <summary>Decodes and validates a file.</summary>
    public static async Task<TapDocument> ReadFileAsync(string path, CancellationToken cancellationToken, TapProcessingOptions? options = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            return await ReadAsync(stream, cancellationToken, options).ConfigureAwait(false);
        }
    }
}
