using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Restcomm.Gateway.Store;

/// <summary>
/// Creates, lists, revokes and verifies API keys. A token is <c>rck_&lt;id&gt;_&lt;secret&gt;</c>: the
/// id finds the row, the SHA-256 of the 256-bit random secret is compared in constant time.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Prefix of every token; lets secret scanners recognise leaked keys.</summary>
    public const string TokenPrefix = "rck_";

    private const int IdLength = 16;
    private readonly GatewayStore _store;

    internal ApiKeyStore(GatewayStore store) => _store = store;

    /// <summary>Creates a key.</summary>
    /// <param name="organisation">MSP ID the key acts for, e.g. <c>Org1MSP</c>.</param>
    /// <param name="name">Label; defaults to the organisation.</param>
    /// <param name="scopes">Scopes to grant (see <see cref="ApiScopes"/>).</param>
    /// <param name="readOnlyOrganisations">Organisations that may hold read scopes only.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The key with its token.</returns>
    /// <exception cref="ArgumentException">Unknown scope, no scope, a write scope for a read-only organisation, or a bad organisation.</exception>
    public async Task<CreatedApiKey> CreateAsync(
        string organisation,
        string? name,
        IReadOnlyCollection<string> scopes,
        IReadOnlyCollection<string> readOnlyOrganisations,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(organisation) || organisation.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("The organisation must be an MSP ID such as Org1MSP.", nameof(organisation));
        }

        CheckScopes(organisation, scopes, readOnlyOrganisations);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = _store.NowMs();
        var key = new ApiKey(id, organisation, string.IsNullOrWhiteSpace(name) ? organisation : name.Trim(), scopes.ToList(), DateTimeOffset.FromUnixTimeMilliseconds(now), null);

        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_keys (id, org, name, scopes, secret_hash, created_at) VALUES (@Id, @Org, @Name, @Scopes, @Hash, @Now)",
            new { key.Id, Org = organisation, key.Name, Scopes = string.Join(' ', key.Scopes), Hash = Hash(secret), Now = now },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new CreatedApiKey(key, $"{TokenPrefix}{id}_{secret}");
    }

    /// <summary>One key by its id (revoked or not), or null.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The key, or null.</returns>
    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, org AS Org, name AS Name, scopes AS Scopes, secret_hash AS SecretHash, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys WHERE id = @Id",
            new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToKey();
    }

    /// <summary>Replaces a valid key's scopes; requests with it hold the new ones from then on.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="scopes">The scopes it holds from now on.</param>
    /// <param name="readOnlyOrganisations">Organisations that may hold read scopes only.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The key as changed, or null when no valid key has that id.</returns>
    /// <exception cref="ArgumentException">No scope, an unknown one, or a write scope for a read-only organisation.</exception>
    public async Task<ApiKey?> SetScopesAsync(string id, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> readOnlyOrganisations, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { IsRevoked: false } key)
        {
            return null;
        }

        CheckScopes(key.Organisation, scopes, readOnlyOrganisations);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET scopes = @Scopes WHERE id = @Id AND revoked_at IS NULL",
            new { Id = id, Scopes = string.Join(' ', scopes) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0 ? key with { Scopes = scopes.ToList() } : null;
    }

    /// <summary>Gives a valid key a new secret: the old token stops working, the id and scopes stay.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The key with its new token (shown once), or null when no valid key has that id.</returns>
    public async Task<CreatedApiKey?> RotateAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { IsRevoked: false } key)
        {
            return null;
        }

        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET secret_hash = @Hash WHERE id = @Id AND revoked_at IS NULL",
            new { Id = id, Hash = Hash(secret) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0 ? new CreatedApiKey(key, $"{TokenPrefix}{id}_{secret}") : null;
    }

    private static void CheckScopes(string organisation, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> readOnlyOrganisations)
    {
        if (scopes.Count == 0)
        {
            throw new ArgumentException("A key needs at least one scope.", nameof(scopes));
        }

        foreach (var scope in scopes)
        {
            if (!ApiScopes.IsKnown(scope))
            {
                throw new ArgumentException($"Unknown scope '{scope}'; known scopes: {string.Join(", ", ApiScopes.All)}.", nameof(scopes));
            }

            if (ApiScopes.IsWrite(scope) && readOnlyOrganisations.Contains(organisation, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{organisation} is read-only: it cannot hold the write scope '{scope}'.", nameof(scopes));
            }
        }
    }

    /// <summary>Every key, newest first, revoked ones included.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The keys.</returns>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, org AS Org, name AS Name, scopes AS Scopes, secret_hash AS SecretHash, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys ORDER BY created_at DESC, id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToKey()).ToList();
    }

    /// <summary>Revokes a key; requests with it fail from then on.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>False when no valid key has that id.</returns>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @Now WHERE id = @Id AND revoked_at IS NULL",
            new { Id = id, Now = _store.NowMs() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0;
    }

    /// <summary>Finds the valid key a token belongs to.</summary>
    /// <param name="token">The token as presented by a caller.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The key, or null when the token is malformed, unknown, wrong or revoked.</returns>
    public async Task<ApiKey?> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (!TrySplit(token, out var id, out var secret))
        {
            return null;
        }

        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, org AS Org, name AS Name, scopes AS Scopes, secret_hash AS SecretHash, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys WHERE id = @Id",
            new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, Hash(secret)))
        {
            return null;
        }

        return row.ToKey();
    }

    internal static bool TrySplit(string token, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length < TokenPrefix.Length + IdLength + 2)
        {
            return false;
        }

        id = token.Substring(TokenPrefix.Length, IdLength);
        if (token[TokenPrefix.Length + IdLength] != '_' || !id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        secret = token[(TokenPrefix.Length + IdLength + 1)..];
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Org { get; set; } = "";
        public string Name { get; set; } = "";
        public string Scopes { get; set; } = "";
        public byte[] SecretHash { get; set; } = [];
        public long CreatedAt { get; set; }
        public long? RevokedAt { get; set; }

        public ApiKey ToKey() => new(
            Id,
            Org,
            Name,
            Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            RevokedAt is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);
    }
}
