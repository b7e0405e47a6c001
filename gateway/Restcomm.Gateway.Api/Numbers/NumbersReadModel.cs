using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>The store side of the numbers endpoints: the ports table (changes go to the shared change feed).</summary>
internal sealed class NumbersReadModel(GatewayStore store, IOptions<NumbersOptions> options)
{
    private string Channel => options.Value.Channel;

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
