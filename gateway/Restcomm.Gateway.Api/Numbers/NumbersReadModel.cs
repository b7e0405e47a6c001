using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>One entry of the change feed.</summary>
/// <param name="Cursor">Its position, to pass as <c>after</c> to continue after it.</param>
/// <param name="BlockNumber">The block.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="Change">The change.</param>
public sealed record NumberFeedEntry(string Cursor, long BlockNumber, string TransactionId, NumberChange Change);

/// <summary>The store side of the numbers endpoints: the change feed and the ports table.</summary>
internal sealed class NumbersReadModel(GatewayStore store, IOptions<NumbersOptions> options)
{
    /// <summary>Most changes one page of the feed holds.</summary>
    public const int MaxPage = 1_000;

    private string Channel => options.Value.Channel;

    /// <summary>Changes after <paramref name="after"/> (a seq), oldest first.</summary>
    public async Task<IReadOnlyList<NumberFeedEntry>> ChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Seq, long BlockNumber, string TxId, string Json)>(new CommandDefinition(
            """
            SELECT seq, block_number, tx_id, change_json FROM number_changes
            WHERE channel = @Channel AND seq > @After ORDER BY seq LIMIT @Limit
            """,
            new { Channel, After = after, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new NumberFeedEntry(
            r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), r.BlockNumber, r.TxId, JsonSerializer.Deserialize<NumberChange>(r.Json, NumbersJson.Options)!))];
    }

    /// <summary>Open ports this organisation receives whose due time has come (the activator's work).</summary>
    public async Task<IReadOnlyList<string>> DuePortsAsync(string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT port_id FROM number_ports
            WHERE channel = @Channel AND recipient = @Recipient AND status IN ('requested', 'concurred') AND due_at <= @Now
            ORDER BY due_at LIMIT 100
            """,
            new { Channel, Recipient = recipient, Now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>Ports an organisation takes part in, newest block first, optionally only open ones.</summary>
    public async Task<IReadOnlyList<PortRequest>> PortsAsync(string party, bool openOnly, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            SELECT port_json FROM number_ports
            WHERE channel = @Channel AND (donor = @Party OR recipient = @Party)
            {(openOnly ? "AND status IN ('requested', 'concurred', 'conflict')" : "")}
            ORDER BY block_number DESC, port_id LIMIT @Limit
            """,
            new { Channel, Party = party, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(json => JsonSerializer.Deserialize<PortRequest>(json, NumbersJson.Options)!)];
    }
}
