extern alias cli;

using cli::Restcomm.Cli;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Cli;

public sealed class KeysCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "restcomm-cli-tests", Guid.NewGuid().ToString("N"));

    private string StorePath => Path.Combine(_directory, "api", "gateway.db");

    [Fact]
    public async Task Keys_create_prints_a_token_once_that_the_store_verifies()
    {
        var (code, stdout, _) = await RunAsync("keys", "create", "--org", "Org1MSP", "--scopes", "eir:read,eir:write", "--name", "billing", "--store", StorePath);

        Assert.Equal(0, code);
        var token = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        await using var store = await GatewayStore.OpenAsync(StoreLocation.Sqlite(StorePath), CancellationToken.None).WaitAsync(Timeout);
        var key = await store.ApiKeys.VerifyAsync(token, CancellationToken.None).WaitAsync(Timeout);
        Assert.NotNull(key);
        Assert.Equal("Org1MSP", key.Organisation);
        Assert.Equal("billing", key.Name);
        Assert.Equal([ApiScopes.EirRead, ApiScopes.EirWrite], key.Scopes);
    }

    [Fact]
    public async Task Keys_list_shows_ids_and_scopes_but_never_the_token_and_revoke_marks_the_key()
    {
        var (_, created, _) = await RunAsync("keys", "create", "--org", "Org2MSP", "--scopes", "roaming:submit", "--store", StorePath, "--json");
        var json = System.Text.Json.JsonDocument.Parse(created).RootElement;
        var id = json.GetProperty("id").GetString()!;
        var token = json.GetProperty("key").GetString()!;

        var (listCode, listed, _) = await RunAsync("keys", "list", "--store", StorePath);
        var (revokeCode, _, _) = await RunAsync("keys", "revoke", id, "--store", StorePath);
        var (_, listedAfter, _) = await RunAsync("keys", "list", "--store", StorePath);
        var (revokeAgainCode, _, revokeAgainError) = await RunAsync("keys", "revoke", id, "--store", StorePath);

        Assert.Equal(0, listCode);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Contains("roaming:submit", listed, StringComparison.Ordinal);
        Assert.Contains("active", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token[(ApiKeyStore.TokenPrefix.Length + 17)..], listed, StringComparison.Ordinal);
        Assert.Equal(0, revokeCode);
        Assert.Contains("revoked", listedAfter, StringComparison.Ordinal);
        Assert.Equal(1, revokeAgainCode);
        Assert.Contains(id, revokeAgainError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_create_with_rotate_revokes_the_earlier_key_of_the_same_name_only()
    {
        var (_, oldJson, _) = await RunAsync("keys", "create", "--org", "Org1MSP", "--scopes", "all", "--name", "make-run", "--store", StorePath, "--json");
        var (_, otherJson, _) = await RunAsync("keys", "create", "--org", "Org1MSP", "--scopes", "eir:read", "--name", "billing", "--store", StorePath, "--json");

        var (code, newJson, _) = await RunAsync("keys", "create", "--org", "Org1MSP", "--scopes", "all", "--name", "make-run", "--rotate", "--store", StorePath, "--json");

        Assert.Equal(0, code);
        await using var store = await GatewayStore.OpenAsync(StoreLocation.Sqlite(StorePath), CancellationToken.None).WaitAsync(Timeout);
        Assert.Null(await store.ApiKeys.VerifyAsync(Token(oldJson), CancellationToken.None).WaitAsync(Timeout));
        Assert.NotNull(await store.ApiKeys.VerifyAsync(Token(otherJson), CancellationToken.None).WaitAsync(Timeout));
        var fresh = await store.ApiKeys.VerifyAsync(Token(newJson), CancellationToken.None).WaitAsync(Timeout);
        Assert.NotNull(fresh);
        Assert.Equal(ApiScopes.All, fresh.Scopes);
    }

    [Fact]
    public async Task Keys_create_refuses_write_scopes_for_the_regulator()
    {
        var (code, stdout, stderr) = await RunAsync("keys", "create", "--org", "RegulatorMSP", "--scopes", "audit:read,eir:write", "--store", StorePath);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("read-only", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_create_with_all_scopes_for_the_regulator_is_refused()
    {
        var (code, _, stderr) = await RunAsync("keys", "create", "--org", "RegulatorMSP", "--scopes", "all", "--store", StorePath);

        Assert.Equal(2, code);
        Assert.Contains("write scope", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "create", "--scopes", "eir:read")]
    [InlineData("keys", "create", "--org", "Org1MSP")]
    [InlineData("keys", "create", "--org", "Org1MSP", "--scopes", "eir:fly")]
    [InlineData("keys", "create", "--org", "Org1MSP", "--scopes", "eir:read", "--colour", "red")]
    [InlineData("keys", "revoke")]
    [InlineData("keys", "rotate")]
    public async Task Bad_keys_invocations_exit_with_2_and_say_what_is_wrong(params string[] args)
    {
        var (code, _, stderr) = await RunAsync([.. args, "--store", StorePath]);

        Assert.Equal(2, code);
        Assert.StartsWith("restcomm keys", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string Token(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("key").GetString()!;

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
