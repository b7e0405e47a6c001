using System.Text;
using Dapper;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Store;

public abstract class ApiKeyStoreTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly IReadOnlyList<string> ReadOnlyOrgs = ApiScopes.DefaultReadOnlyOrganisations;

    [SkippableFact]
    public async Task A_created_key_verifies_with_its_token_and_carries_org_and_scopes()
    {
        var store = await NewStoreAsync();

        var created = await store.ApiKeys.CreateAsync("Org1MSP", "billing", [ApiScopes.EirRead, ApiScopes.EirWrite], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);
        var verified = await store.ApiKeys.VerifyAsync(created.Token, CancellationToken.None).WaitAsync(Timeout);

        Assert.NotNull(verified);
        Assert.Equal(created.Key.Id, verified.Id);
        Assert.Equal("Org1MSP", verified.Organisation);
        Assert.Equal("billing", verified.Name);
        Assert.Equal([ApiScopes.EirRead, ApiScopes.EirWrite], verified.Scopes);
        Assert.StartsWith(ApiKeyStore.TokenPrefix + created.Key.Id + "_", created.Token, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Only_a_hash_of_the_secret_is_stored()
    {
        var store = await NewStoreAsync();
        var created = await store.ApiKeys.CreateAsync("Org1MSP", null, [ApiScopes.EirRead], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);
        Assert.True(ApiKeyStore.TrySplit(created.Token, out _, out var secret));

        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var row = await connection.QuerySingleAsync<(string Id, string Org, string Name, string Scopes, byte[] Hash)>(
            "SELECT id, org, name, scopes, secret_hash FROM api_keys");

        var everything = string.Join('|', row.Id, row.Org, row.Name, row.Scopes, Encoding.UTF8.GetString(row.Hash), Convert.ToBase64String(row.Hash));
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.Equal(32, row.Hash.Length);
    }

    [SkippableFact]
    public async Task A_token_with_a_wrong_secret_or_garbage_does_not_verify()
    {
        var store = await NewStoreAsync();
        var created = await store.ApiKeys.CreateAsync("Org1MSP", null, [ApiScopes.EirRead], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);
        var tampered = created.Token[..^1] + (created.Token[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await store.ApiKeys.VerifyAsync(tampered, CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await store.ApiKeys.VerifyAsync("rck_0000000000000000_nope", CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await store.ApiKeys.VerifyAsync("not a token", CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await store.ApiKeys.VerifyAsync(string.Empty, CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task A_revoked_key_no_longer_verifies_and_cannot_be_revoked_twice()
    {
        var store = await NewStoreAsync();
        var created = await store.ApiKeys.CreateAsync("Org2MSP", null, [ApiScopes.RoamingSubmit], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(await store.ApiKeys.RevokeAsync(created.Key.Id, CancellationToken.None).WaitAsync(Timeout));

        Assert.Null(await store.ApiKeys.VerifyAsync(created.Token, CancellationToken.None).WaitAsync(Timeout));
        Assert.False(await store.ApiKeys.RevokeAsync(created.Key.Id, CancellationToken.None).WaitAsync(Timeout));
        var listed = Assert.Single(await store.ApiKeys.ListAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.True(listed.IsRevoked);
    }

    [SkippableFact]
    public async Task A_regulator_key_cannot_be_given_a_write_scope()
    {
        var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ApiKeys.CreateAsync("RegulatorMSP", null, [ApiScopes.AuditRead, ApiScopes.AuditWrite], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("audit:write", error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ApiKeys.ListAsync(CancellationToken.None).WaitAsync(Timeout));
        var readOnly = await store.ApiKeys.CreateAsync("RegulatorMSP", null, ApiScopes.ReadOnly.ToList(), ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);
        Assert.All(readOnly.Key.Scopes, s => Assert.False(ApiScopes.IsWrite(s)));
    }

    [SkippableFact]
    public async Task Unknown_or_missing_scopes_are_refused_with_the_list_of_known_ones()
    {
        var store = await NewStoreAsync();

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ApiKeys.CreateAsync("Org1MSP", null, ["eir:delete"], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ApiKeys.CreateAsync("Org1MSP", null, [], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains(ApiScopes.EirWrite, unknown.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Keys_are_listed_newest_first()
    {
        var store = await NewStoreAsync();
        var first = await store.ApiKeys.CreateAsync("Org1MSP", "a", [ApiScopes.EirRead], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await store.ApiKeys.CreateAsync("Org1MSP", "b", [ApiScopes.EirRead], ReadOnlyOrgs, CancellationToken.None).WaitAsync(Timeout);

        var listed = await store.ApiKeys.ListAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal([second.Key.Id, first.Key.Id], listed.Select(k => k.Id));
        Assert.Equal(Clock.GetUtcNow(), listed[0].CreatedAt);
    }
}

public sealed class SqliteApiKeyStoreTests(SqliteDatabase database) : ApiKeyStoreTests<SqliteDatabase>(database);

public sealed class PostgresApiKeyStoreTests(PostgresDatabase database) : ApiKeyStoreTests<PostgresDatabase>(database);
