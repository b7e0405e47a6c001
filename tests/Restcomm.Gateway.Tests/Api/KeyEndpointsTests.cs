using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>Key management through the API (scope keys:admin): create, list, get, set scopes, rotate, revoke.</summary>
public sealed class KeyEndpointsTests : ApiTestBase
{
    public override Task InitializeAsync()
    {
        // Key changes seen on the next request (the cache is tested on its own).
        Factory = new GatewayApiFactory { ApiKeyCacheTtl = TimeSpan.Zero };
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_admin_creates_a_key_whose_token_works_and_is_never_shown_again()
    {
        var admin = await Factory.ClientWithKeyAsync(ApiScopes.KeysAdmin);

        using var created = await admin.SendAsync(Post("/v1/keys", """{"name":"billing","scopes":["eir:read"]}""", "create-1")).WaitAsync(Timeout);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        var token = answer.GetProperty("token").GetString()!;
        var id = answer.GetProperty("key").GetProperty("id").GetString()!;
        var me = await Json(await With(token).GetAsync(new Uri("/v1/me", UriKind.Relative)).WaitAsync(Timeout));
        var listed = await admin.GetStringAsync(new Uri("/v1/keys", UriKind.Relative)).WaitAsync(Timeout);
        var one = await admin.GetStringAsync(new Uri($"/v1/keys/{id}", UriKind.Relative)).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(ApiKeyStore.TokenPrefix + id + "_", token, StringComparison.Ordinal);
        Assert.Equal(["eir:read"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("billing", me.GetProperty("name").GetString());
        var secret = token[(token.LastIndexOf('_') + 1)..];
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        Assert.DoesNotContain("token", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_key_creation_answers_without_the_token_and_no_token_rests_in_the_idempotency_store()
    {
        var admin = await Factory.ClientWithKeyAsync(ApiScopes.KeysAdmin);

        var first = await Json(await admin.SendAsync(Post("/v1/keys", """{"name":"replayed","scopes":["eir:read"]}""", "create-replay")).WaitAsync(Timeout));
        using var again = await admin.SendAsync(Post("/v1/keys", """{"name":"replayed","scopes":["eir:read"]}""", "create-replay")).WaitAsync(Timeout);
        var replayed = await Json(again);
        var token = first.GetProperty("token").GetString()!;
        await using var connection = await Factory.Store.OpenConnectionAsync(CancellationToken.None);
        var stored = string.Join("\n", await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT CAST(response_body AS TEXT) FROM idempotency_records"));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(first.GetProperty("key").GetProperty("id").GetString(), replayed.GetProperty("key").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, replayed.GetProperty("token").ValueKind);
        Assert.DoesNotContain(token[(token.LastIndexOf('_') + 1)..], stored, StringComparison.Ordinal);
        Assert.Contains("replayed", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scopes_changed_rotation_and_revocation_take_effect_on_the_next_request()
    {
        var admin = await Factory.ClientWithKeyAsync(ApiScopes.KeysAdmin);
        var created = await Json(await admin.SendAsync(Post("/v1/keys", """{"scopes":["eir:read"]}""", "create-2")).WaitAsync(Timeout));
        var id = created.GetProperty("key").GetProperty("id").GetString()!;
        var oldToken = created.GetProperty("token").GetString()!;

        using var scoped = await admin.PutAsJsonAsync($"/v1/keys/{id}/scopes", new { scopes = new[] { "eir:read", "ledger:read" } }).WaitAsync(Timeout);
        var scopes = (await Json(await With(oldToken).GetAsync(new Uri("/v1/me", UriKind.Relative)).WaitAsync(Timeout))).GetProperty("scopes");
        var rotated = await Json(await admin.SendAsync(Post($"/v1/keys/{id}/rotate", "{}", "rotate-2")).WaitAsync(Timeout));
        var newToken = rotated.GetProperty("token").GetString()!;
        using var withOld = await With(oldToken).GetAsync(new Uri("/v1/me", UriKind.Relative)).WaitAsync(Timeout);
        using var withNew = await With(newToken).GetAsync(new Uri("/v1/me", UriKind.Relative)).WaitAsync(Timeout);
        using var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative)).WaitAsync(Timeout);
        using var afterRevoke = await With(newToken).GetAsync(new Uri("/v1/me", UriKind.Relative)).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);
        Assert.Equal(["eir:read", "ledger:read"], scopes.EnumerateArray().Select(s => s.GetString()));
        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.False((await Json(revoked)).GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task Without_the_admin_scope_keys_cannot_be_managed_and_other_organisations_keys_are_not_found()
    {
        var reader = await Factory.ClientWithKeyAsync(ApiScopes.EirRead, ApiScopes.LedgerWrite);
        var admin = await Factory.ClientWithKeyAsync(ApiScopes.KeysAdmin);
        var foreign = await Factory.Store.ApiKeys.CreateAsync("Org2MSP", "theirs", [ApiScopes.EirRead], [], CancellationToken.None).WaitAsync(Timeout);

        using var refused = await reader.GetAsync(new Uri("/v1/keys", UriKind.Relative)).WaitAsync(Timeout);
        using var unknownScope = await admin.SendAsync(Post("/v1/keys", """{"scopes":["eir:everything"]}""", "create-3")).WaitAsync(Timeout);
        using var theirs = await admin.GetAsync(new Uri($"/v1/keys/{foreign.Key.Id}", UriKind.Relative)).WaitAsync(Timeout);
        using var revokeTheirs = await admin.DeleteAsync(new Uri($"/v1/keys/{foreign.Key.Id}", UriKind.Relative)).WaitAsync(Timeout);
        var listed = await admin.GetStringAsync(new Uri("/v1/keys", UriKind.Relative)).WaitAsync(Timeout);

        await ReadProblemAsync(refused, 403, "insufficient-scope");
        await ReadProblemAsync(unknownScope, 400, "validation-failed");
        await ReadProblemAsync(theirs, 404, "not-found");
        await ReadProblemAsync(revokeTheirs, 404, "not-found");
        Assert.DoesNotContain(foreign.Key.Id, listed, StringComparison.Ordinal);
        Assert.False((await Factory.Store.ApiKeys.GetAsync(foreign.Key.Id, CancellationToken.None).WaitAsync(Timeout))!.IsRevoked);
    }

    private HttpClient With(string token)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        }
    }
}
