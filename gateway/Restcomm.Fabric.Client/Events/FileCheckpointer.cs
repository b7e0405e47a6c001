using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A checkpointer persisted to a JSON file (<c>{"blockNumber":…,"transactionId":…}</c>), so that a restarted
/// process resumes where it stopped. Each checkpoint replaces the file atomically (write, flush, rename).
/// </summary>
public sealed class FileCheckpointer : ICheckpointer
{
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private State _state;

    private FileCheckpointer(string path, State state)
    {
        _path = path;
        _state = state;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public ulong? BlockNumber => Volatile.Read(ref _state).BlockNumber;

    /// <inheritdoc />
    public string? TransactionId => Volatile.Read(ref _state).TransactionId;

    /// <summary>Opens (or, when absent, starts) the checkpoint file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; its folder is created if needed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<FileCheckpointer> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var state = new State(null, null);
        if (File.Exists(full))
        {
            var stream = File.OpenRead(full);
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > 0)
                {
                    state = await JsonSerializer.DeserializeAsync(stream, CheckpointJson.Default.State, cancellationToken).ConfigureAwait(false)
                        ?? state;
                }
            }
        }
        else
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        }

        return new FileCheckpointer(full, state);
    }

    /// <inheritdoc />
    public ValueTask CheckpointBlockAsync(ulong blockNumber, CancellationToken cancellationToken = default) =>
        SaveAsync(new State(blockNumber + 1, null), cancellationToken);

    /// <inheritdoc />
    public ValueTask CheckpointTransactionAsync(ulong blockNumber, string transactionId, CancellationToken cancellationToken = default) =>
        SaveAsync(new State(blockNumber, transactionId), cancellationToken);

    /// <inheritdoc />
    public ValueTask CheckpointChaincodeEventAsync(CommittedChaincodeEvent chaincodeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chaincodeEvent);
        return CheckpointTransactionAsync(chaincodeEvent.BlockNumber, chaincodeEvent.TransactionId, cancellationToken);
    }

    private async ValueTask SaveAsync(State state, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var temporary = _path + ".tmp";
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(stream, state, CheckpointJson.Default.State, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
            Volatile.Write(ref _state, state);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal sealed record State(
        [property: JsonPropertyName("blockNumber")] ulong? BlockNumber,
        [property: JsonPropertyName("transactionId")] string? TransactionId);
}

[JsonSerializable(typeof(FileCheckpointer.State))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class CheckpointJson : JsonSerializerContext;
