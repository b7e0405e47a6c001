using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Peering;

namespace Restcomm.Gateway.Api.Peering;

/// <summary>
/// The peering REST endpoints under <c>/v1/peering</c>: operators' interconnection profiles, requests and time-limited
/// grants, the OAuth clients a buyer registers under a grant, and the two endpoints a buyer's application uses on the
/// seller's API: <c>POST /v1/peering/oauth/token</c> (client credentials → a JWT for one grant) and
/// <c>GET /v1/peering/shared/{grantId}</c> (the granted details, with that token). Reads are evaluated on this
/// organisation's own peer, so a write is visible to the next read once it answers. Refusals are answered by the API's
/// one ledger-failure filter with <see cref="Problems"/> (<c>peering-*</c>).
/// </summary>
public static class PeeringEndpoints
{
    /// <summary>The peering chaincode's own refusal codes and the generic code each answers as.</summary>
    internal static readonly IReadOnlyDictionary<string, string> CodeAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["invalid-profile"] = "invalid-argument",
        ["grant-not-in-force"] = "forbidden",
        ["grant-in-force"] = "failed-precondition",
        ["kyc-required"] = "failed-precondition",
    };

    /// <summary>
    /// The peering context's answers to ledger failures: <c>peering-invalid</c> (400), <c>peering-forbidden</c> (403,
    /// also a grant not in force), <c>peering-not-found</c> (404), <c>peering-conflict</c> (409),
    /// <c>peering-failed-precondition</c> (409: KYC required, grant still in force); the chaincode's code is <c>code</c>.
    /// </summary>
    internal static readonly LedgerProblemTypes Problems = new("peering", "peering", codeAliases: CodeAliases);

    /// <summary>How the token endpoint and the shared-details endpoint authenticate (the reference shows it).</summary>
    internal const string OAuthClientCredentials = "OAuth 2.0 client credentials (client_secret_basic or client_secret_post) of a client registered under a grant";

    /// <summary>How the shared-details endpoint authenticates.</summary>
    internal const string AccessToken = "an OAuth 2.0 access token (Bearer JWT) this API issued for the grant";

    /// <summary>Maps the read (<c>peering:read</c>), write (<c>peering:write</c>) and OAuth endpoints under <c>/peering</c> of <paramref name="v1"/>.</summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <param name="requireScopes">False only for hosts without API-key authentication (tests).</param>
    /// <returns>The read group and the write group.</returns>
    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapPeeringEndpoints(this IEndpointRouteBuilder v1, bool requireScopes = true)
    {
        var read = v1.MapGroup("/peering").WithTags("Peering");
        var write = v1.MapGroup("/peering").WithTags("Peering");
        var oauth = v1.MapGroup("/peering").WithTags("Peering");
        if (requireScopes)
        {
            read.RequireScope(ApiScopes.PeeringRead);
            write.RequireScope(ApiScopes.PeeringWrite);
        }

        read.MapGet("/profiles", ListProfiles).WithName("PeeringListProfiles").ProducesLedgerProblems(Problems)
            .WithSummary("Every operator's public profile record: versions with their hashes and the summary (never details).");
        read.MapGet("/profiles/{operatorMspId}", GetProfile).WithName("PeeringGetProfile").ProducesLedgerProblems(Problems)
            .WithSummary("An operator's public profile record.");
        read.MapGet("/profile/details", GetOwnDetails).WithName("PeeringGetOwnProfileDetails").ProducesLedgerProblems(Problems)
            .WithSummary("This organisation's own profile details (default: the current version), from its implicit collection.");
        read.MapGet("/grants", ListGrants).WithName("PeeringListGrants").ProducesLedgerProblems(Problems)
            .WithSummary("Grants on the channel (public records), optionally only those an operator is party to.");
        read.MapGet("/grants/{grantId}", GetGrant).WithName("PeeringGetGrant").ProducesLedgerProblems(Problems)
            .WithSummary("A grant's public record: request, decision, granted scope and expiry, revocation, purge.");
        read.MapGet("/grants/{grantId}/details", GetDetails).WithName("PeeringGetGrantedDetails").ProducesLedgerProblems(Problems)
            .WithSummary("The granted details, for the buyer or the seller while the grant is in force.");
        read.MapGet("/kyc/{operatorMspId}", GetKyc).WithName("PeeringGetKycAttestation").ProducesLedgerProblems(Problems)
            .WithSummary("An operator's KYC/AML attestation (evidence hash and attesting organisation).");

        write.MapPost("/profiles", RegisterProfile).WithName("PeeringRegisterProfile").ProducesLedgerProblems(Problems)
            .WithSummary("Registers this organisation's next profile version; the details go to its implicit collection as transient data.");
        write.MapPost("/grants", Request).WithName("PeeringRequestInterconnection").ProducesLedgerProblems(Problems)
            .WithSummary("This organisation (the buyer) asks a seller for interconnection details: services, purpose, start, duration.");
        write.MapPost("/grants/{grantId}/approve", Approve).WithName("PeeringApproveGrant").ProducesLedgerProblems(Problems)
            .WithSummary("The seller approves, possibly narrower or shorter; exactly the granted part is copied to the pair's collection.");
        write.MapPost("/grants/{grantId}/decline", Decline).WithName("PeeringDeclineGrant").ProducesLedgerProblems(Problems)
            .WithSummary("The seller declines with a public reason.");
        write.MapPost("/grants/{grantId}/revoke", Revoke).WithName("PeeringRevokeGrant").ProducesLedgerProblems(Problems)
            .WithSummary("The seller revokes the grant; the copy and the clients' secrets are purged and tokens stop working.");
        write.MapPost("/grants/{grantId}/purge", Purge).WithName("PeeringPurgeExpiredGrant").ProducesLedgerProblems(Problems)
            .WithSummary("Either party purges the copy of an expired grant (the seller's gateway also does this by itself).");
        write.MapPost("/grants/{grantId}/clients", RegisterClient).WithName("PeeringRegisterGrantClient").ProducesLedgerProblems(Problems).AnswersWithSecret()
            .WithSummary("The buyer registers an OAuth client under a grant in force; the answer shows its secret once.");
        write.MapPost("/kyc", AttestKyc).WithName("PeeringAttestKyc").ProducesLedgerProblems(Problems)
            .WithSummary("This organisation attests another's KYC/AML checks by the hash of its evidence.");

        oauth.MapPost("/oauth/token", Token).WithName("PeeringIssueToken").ReadsOnly().AuthenticatesItself(OAuthClientCredentials)
            .DisableAntiforgery()
            .WithSummary("OAuth 2.0 token endpoint (client credentials): a JWT for the client's grant, valid at most until the grant expires.");
        oauth.MapGet("/oauth/jwks", Keys).WithName("PeeringTokenKeys").AuthenticatesItself("none: the public key anyone may fetch")
            .WithSummary("The public key this gateway signs grant access tokens with (JWK set).");
        oauth.MapGet("/shared/{grantId}", Shared).WithName("PeeringReadSharedDetails").AuthenticatesItself(AccessToken)
            .WithSummary("The granted details for a buyer's application, with an access token of this gateway for the grant; the grant is checked on the ledger on every use.");
        return (read, write);
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private static async Task<OkJson<IReadOnlyList<ProfileState>>> ListProfiles(PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<IReadOnlyList<ProfileState>>("ListProfiles", [], cancellationToken).ConfigureAwait(false));

    private static async Task<OkJson<ProfileState>> GetProfile(string operatorMspId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<ProfileState>("GetProfile", [operatorMspId], cancellationToken).ConfigureAwait(false));

    private static async Task<Results<OkJson<InterconnectionProfile>, ProblemAnswer>> GetOwnDetails(int? version, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => version is < 0
            ? Invalid("version is 1 or more (or absent for the current one).")
            : Json(await ledger.EvaluateAsync<InterconnectionProfile>("GetProfileDetails", [(version ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false));

    private static async Task<OkJson<IReadOnlyList<GrantState>>> ListGrants(string? party, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        var grants = await ledger.EvaluateAsync<IReadOnlyList<GrantState>>("ListGrants", [], cancellationToken).ConfigureAwait(false);
        return Json<IReadOnlyList<GrantState>>(string.IsNullOrWhiteSpace(party) ? grants : [.. grants.Where(g => g.IsParty(party.Trim()))]);
    }

    private static async Task<OkJson<GrantState>> GetGrant(string grantId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<GrantState>("GetGrant", [grantId], cancellationToken).ConfigureAwait(false));

    private static async Task<OkJson<GrantedDetailsView>> GetDetails(string grantId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<GrantedDetailsView>("GetGrantedDetails", [grantId], cancellationToken).ConfigureAwait(false));

    private static async Task<OkJson<KycAttestation>> GetKyc(string operatorMspId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<KycAttestation>("GetKycAttestation", [operatorMspId], cancellationToken).ConfigureAwait(false));

    // ---- writes ------------------------------------------------------------------------------------------------

    private static async Task<Results<CreatedJson<WriteAnswer<ProfileState>>, ProblemAnswer>> RegisterProfile(
        InterconnectionProfile profile, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        try
        {
            profile.Validate();
        }
        catch (PeeringRuleException e)
        {
            return Invalid(e.Message);
        }

        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(profile, PeeringJson.Options);
        var c = await ledger.SubmitAsync<ProfileState>("RegisterProfile", [], null, new Dictionary<string, byte[]> { ["profile"] = bytes }, cancellationToken).ConfigureAwait(false);
        return Created(c);
    }

    private static async Task<Results<CreatedJson<WriteAnswer<GrantState>>, ProblemAnswer>> Request(
        InterconnectionRequestBody body, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        var seconds = body.DurationSeconds ?? (body.DurationDays is { } days ? days * 86_400L : null);
        if (string.IsNullOrWhiteSpace(body.Seller) || body.Services is not { Count: > 0 } services || string.IsNullOrWhiteSpace(body.Purpose) || seconds is not { } duration)
        {
            return Invalid("The body needs seller, services (sip, ss7, diameter, smpp, ipx), purpose and durationDays or durationSeconds; grantId and wantedStart are optional.");
        }

        var request = new InterconnectionRequest
        {
            GrantId = string.IsNullOrWhiteSpace(body.GrantId) ? "g-" + Guid.NewGuid().ToString("N")[..16] : body.GrantId.Trim(),
            Seller = body.Seller.Trim(),
            Services = services,
            Purpose = body.Purpose.Trim(),
            WantedStart = body.WantedStart,
            DurationSeconds = duration,
        };
        var c = await ledger.SubmitAsync<GrantState>("RequestInterconnection", [PeeringLedgerClient.Json(request)], null, null, cancellationToken).ConfigureAwait(false);
        return Created(c);
    }

    private static async Task<OkJson<WriteAnswer<GrantState>>> Approve(string grantId, ApproveBody? body, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        var terms = new GrantTerms
        {
            Services = body?.Services is { Count: > 0 } services ? services : null,
            StartsAt = body?.StartsAt,
            DurationSeconds = body?.DurationSeconds ?? (body?.DurationDays is { } days ? days * 86_400L : null),
        };
        return Ok(await ledger.SubmitAsync<GrantState>("ApproveInterconnection", [grantId, PeeringLedgerClient.Json(terms)], null, null, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<OkJson<WriteAnswer<GrantState>>, ProblemAnswer>> Decline(string grantId, ReasonBody body, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => string.IsNullOrWhiteSpace(body.Reason)
            ? Invalid("The body must be {\"reason\":\"…\"} (it is public).")
            : Ok(await ledger.SubmitAsync<GrantState>("DeclineInterconnection", [grantId, body.Reason.Trim()], null, null, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<OkJson<WriteAnswer<GrantState>>, ProblemAnswer>> Revoke(string grantId, ReasonBody body, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => string.IsNullOrWhiteSpace(body.Reason)
            ? Invalid("The body must be {\"reason\":\"…\"} (it is public).")
            : Ok(await ledger.SubmitAsync<GrantState>("RevokeGrant", [grantId, body.Reason.Trim()], null, null, cancellationToken).ConfigureAwait(false));

    private static async Task<OkJson<WriteAnswer<GrantState>>> Purge(string grantId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        var grant = await ledger.EvaluateAsync<GrantState>("GetGrant", [grantId], cancellationToken).ConfigureAwait(false);
        return Ok(await ledger.SubmitAsync<GrantState>("PurgeExpiredGrant", [grantId], grant.Seller, null, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<CreatedJson<ClientAnswer>> RegisterClient(string grantId, PeeringLedgerClient ledger, CancellationToken cancellationToken)
    {
        var grant = await ledger.EvaluateAsync<GrantState>("GetGrant", [grantId], cancellationToken).ConfigureAwait(false);
        var clientId = "pc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = Encoding.UTF8.GetBytes(Sha256(secret));
        var c = await ledger.SubmitAsync<GrantClient>("RegisterGrantClient", [grantId, clientId], grant.Seller, new Dictionary<string, byte[]> { ["clientSecretHash"] = hash }, cancellationToken).ConfigureAwait(false);
        return new CreatedJson<ClientAnswer>(new ClientAnswer(c.Result, secret, c.TransactionId, c.BlockNumber), PeeringJson.Options);
    }

    private static async Task<Results<CreatedJson<WriteAnswer<KycAttestation>>, ProblemAnswer>> AttestKyc(KycBody body, PeeringLedgerClient ledger, CancellationToken cancellationToken)
        => string.IsNullOrWhiteSpace(body.Subject) || string.IsNullOrWhiteSpace(body.EvidenceHash)
            ? Invalid("The body must be {\"subject\":\"<MSP ID>\",\"evidenceHash\":\"<SHA-256 hex>\"}.")
            : Created(await ledger.SubmitAsync<KycAttestation>("AttestKyc", [body.Subject.Trim(), body.EvidenceHash.Trim()], null, null, cancellationToken).ConfigureAwait(false));

    // ---- OAuth -------------------------------------------------------------------------------------------------

    /// <summary>
    /// RFC 6749 §4.4: <c>grant_type=client_credentials</c> with the client's ID and secret (HTTP Basic or the form).
    /// The client, its secret's hash and its grant are read from the ledger on this organisation's peer; only the
    /// seller's gateway issues tokens for a grant, and only while it is in force. Errors are RFC 6749 §5.2 JSON.
    /// </summary>
    private static async Task<Results<Ok<TokenAnswer>, JsonHttpResult<OAuthError>>> Token(
        HttpRequest http, PeeringLedgerClient ledger, PeeringTokens tokens, TimeProvider clock, CancellationToken cancellationToken)
    {
        http.HttpContext.Response.Headers.CacheControl = "no-store";
        if (!http.HasFormContentType)
        {
            return OAuthFailure(400, "invalid_request", "send application/x-www-form-urlencoded with grant_type=client_credentials");
        }

        var form = await http.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        if (form["grant_type"].ToString() != "client_credentials")
        {
            return OAuthFailure(400, "unsupported_grant_type", "only client_credentials is supported");
        }

        var (clientId, secret) = ClientCredentials(http, form);
        if (clientId is null || secret is null)
        {
            return OAuthFailure(401, "invalid_client", "give client_id and client_secret (HTTP Basic or form)");
        }

        GrantClientCredentials credentials;
        try
        {
            credentials = await ledger.EvaluateAsync<GrantClientCredentials>("GetGrantClientCredentials", [clientId], cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException e) when (e.Failure == LedgerFailure.Rejected)
        {
            return e.Code == "grant-not-in-force"
                ? OAuthFailure(400, "invalid_grant", e.Message)
                : OAuthFailure(401, "invalid_client", "unknown client, or not a client of a grant this organisation is party to");
        }

        var presented = Encoding.UTF8.GetBytes(Sha256(secret));
        if (!CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(credentials.SecretHash)))
        {
            return OAuthFailure(401, "invalid_client", "the client secret is wrong");
        }

        if (credentials.Grant.Seller != ledger.MspId)
        {
            return OAuthFailure(400, "unauthorized_client", $"tokens for grant {credentials.Grant.GrantId} are issued by the seller {credentials.Grant.Seller}'s API");
        }

        var requested = form["scope"].ToString();
        var (token, expiresAt, scope) = tokens.Issue(clientId, credentials.Grant);
        if (requested.Length > 0 && requested != scope)
        {
            return OAuthFailure(400, "invalid_scope", $"this client's scope is {scope}");
        }

        var lifetime = (long)Math.Floor((expiresAt - clock.GetUtcNow()).TotalSeconds);
        return TypedResults.Ok(new TokenAnswer(token, "Bearer", Math.Max(lifetime, 0), scope));
    }

    private static Ok<JwkSet> Keys(PeeringTokens tokens)
    {
        var key = tokens.PublicKey();
        return TypedResults.Ok(new JwkSet([new Jwk(key.Kty, key.Crv, key.X, key.Y, key.Kid, key.Use, key.Alg)]));
    }

    /// <summary>
    /// RFC 6750: the token must be this gateway's, unaltered, unexpired and for this grant; then the grant is checked on
    /// the ledger (on this organisation's peer, at this moment's transaction time) and the details read in one evaluate,
    /// so a revocation or expiry stops the next request.
    /// </summary>
    private static async Task<Results<OkJson<GrantedDetailsView>, JsonHttpResult<OAuthError>>> Shared(
        string grantId, HttpContext http, PeeringLedgerClient ledger, PeeringTokens tokens, CancellationToken cancellationToken)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
        if (string.IsNullOrEmpty(token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"restcomm-peering\"";
            return OAuthFailure(401, "invalid_request", "send the grant's access token as 'Authorization: Bearer <token>'");
        }

        var (access, error) = await tokens.ValidateAsync(token, grantId).ConfigureAwait(false);
        if (access is null)
        {
            return InvalidToken(http, error!);
        }

        try
        {
            var view = await ledger.EvaluateAsync<GrantedDetailsView>("GetGrantedDetails", [grantId], cancellationToken).ConfigureAwait(false);
            return !view.Grant.Clients.Contains(access.ClientId)
                ? InvalidToken(http, $"client {access.ClientId} is not registered under grant {grantId}")
                : Json(view);
        }
        catch (LedgerException e) when (e.Failure == LedgerFailure.Rejected && e.Code is "grant-not-in-force" or "not-found" or "forbidden")
        {
            return InvalidToken(http, e.Message);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest http, IFormCollection form)
    {
        var authorization = http.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon <= 0 ? (null, null) : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        var id = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        return (id.Length == 0 ? null : id, secret.Length == 0 ? null : secret);
    }

    private static JsonHttpResult<OAuthError> OAuthFailure(int status, string error, string description)
        => TypedResults.Json(new OAuthError(error, description), statusCode: status);

    private static JsonHttpResult<OAuthError> InvalidToken(HttpContext http, string description)
    {
        http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"restcomm-peering\", error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return OAuthFailure(401, "invalid_token", description);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ProblemAnswer Invalid(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.InvalidArgument, detail);

    private static OkJson<T> Json<T>(T value) => new(value, PeeringJson.Options);

    private static OkJson<WriteAnswer<T>> Ok<T>(PeeringCommitted<T> c) => new(new WriteAnswer<T>(c.Result, c.TransactionId, c.BlockNumber), PeeringJson.Options);

    private static CreatedJson<WriteAnswer<T>> Created<T>(PeeringCommitted<T> c) => new(new WriteAnswer<T>(c.Result, c.TransactionId, c.BlockNumber), PeeringJson.Options);

    /// <summary>What a write committed: the public record after it, its transaction and block.</summary>
    internal sealed record WriteAnswer<T>(T Value, string TransactionId, long BlockNumber);

    /// <summary>A client registered under a grant, with its secret (shown once: the API keeps only its hash, on the ledger's pair collection).</summary>
    internal sealed record ClientAnswer(GrantClient Client, string ClientSecret, string TransactionId, long BlockNumber);

    /// <summary>A request for interconnection; <c>grantId</c> is generated when absent, the duration is days or seconds.</summary>
    internal sealed record InterconnectionRequestBody(string? GrantId, string? Seller, List<PeeringService>? Services, string? Purpose, DateTimeOffset? WantedStart, int? DurationDays, long? DurationSeconds);

    /// <summary>An approval's terms, all optional: services (a subset of those asked), start, and a duration no longer than asked.</summary>
    internal sealed record ApproveBody(List<PeeringService>? Services, DateTimeOffset? StartsAt, int? DurationDays, long? DurationSeconds);

    /// <summary>A public reason.</summary>
    internal sealed record ReasonBody(string? Reason);

    /// <summary>A KYC attestation: whom, and the SHA-256 of the evidence kept by the attester.</summary>
    internal sealed record KycBody(string? Subject, string? EvidenceHash);

    /// <summary>RFC 6749 §5.1 access token response.</summary>
    internal sealed record TokenAnswer(
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] long ExpiresIn,
        [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string Scope);

    /// <summary>RFC 6749 §5.2 / RFC 6750 §3 error response.</summary>
    internal sealed record OAuthError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);

    /// <summary>A JSON Web Key set (RFC 7517).</summary>
    internal sealed record JwkSet([property: System.Text.Json.Serialization.JsonPropertyName("keys")] IReadOnlyList<Jwk> Keys);

    /// <summary>An EC public key as a JSON Web Key (RFC 7518 §6.2).</summary>
    internal sealed record Jwk(
        [property: System.Text.Json.Serialization.JsonPropertyName("kty")] string Kty,
        [property: System.Text.Json.Serialization.JsonPropertyName("crv")] string Crv,
        [property: System.Text.Json.Serialization.JsonPropertyName("x")] string X,
        [property: System.Text.Json.Serialization.JsonPropertyName("y")] string Y,
        [property: System.Text.Json.Serialization.JsonPropertyName("kid")] string Kid,
        [property: System.Text.Json.Serialization.JsonPropertyName("use")] string Use,
        [property: System.Text.Json.Serialization.JsonPropertyName("alg")] string Alg);
}
