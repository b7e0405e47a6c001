using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Restcomm.Peering;

namespace Restcomm.Gateway.Api.Peering;

/// <summary>The claims of a validated grant access token.</summary>
/// <param name="ClientId">The OAuth client it was issued to.</param>
/// <param name="GrantId">The grant it opens.</param>
internal sealed record GrantAccess(string ClientId, string GrantId);

/// <summary>
/// Issues and checks the OAuth 2.0 access tokens of peering grants: JWTs signed ES256 with this gateway's own key
/// (kept in its data directory), audience and scope naming one grant, lifetime never beyond the grant's expiry.
/// Built on Microsoft.IdentityModel (no hand-written JWT). Checking a token is only half the check: the read endpoint
/// then asks the ledger whether the grant is still in force.
/// </summary>
internal sealed class PeeringTokens
{
    public const string GrantClaim = "grant_id";
    public const string ClientClaim = "client_id";
    public const string ScopeClaim = "scope";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ECDsaSecurityKey _key;
    private readonly TimeProvider _clock;
    private readonly PeeringOptions _options;

    public PeeringTokens(IOptions<PeeringOptions> options, IOptions<GatewayOptions> gateway, IHostEnvironment environment, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        Issuer = _options.Issuer ?? $"restcomm-gateway:{gateway.Value.MspId}";
        var dataDirectory = Path.GetFullPath(gateway.Value.DataDirectory, environment.ContentRootPath);
        _key = LoadOrCreate(Path.GetFullPath(_options.SigningKeyFile, dataDirectory));
    }

    /// <summary>Who issues the tokens (the <c>iss</c> claim).</summary>
    public string Issuer { get; }

    /// <summary>The audience (and scope) of a grant's tokens.</summary>
    public static string AudienceOf(string grantId) => $"urn:restcomm:peering:grant:{grantId}";

    /// <summary>The public signing key as a JSON Web Key (for <c>jwks</c>).</summary>
    public JsonWebKey PublicKey()
    {
        var parameters = _key.ECDsa.ExportParameters(includePrivateParameters: false);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(parameters)) { KeyId = _key.KeyId });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        return jwk;
    }

    /// <summary>A token for <paramref name="clientId"/> on <paramref name="grant"/>, expiring at the earlier of the grant's expiry and the longest lifetime.</summary>
    public (string Token, DateTimeOffset ExpiresAt, string Scope) Issue(string clientId, GrantState grant)
    {
        var now = _clock.GetUtcNow();
        var expiresAt = grant.Granted!.ExpiresAt < now + _options.MaxTokenLifetime ? grant.Granted.ExpiresAt : now + _options.MaxTokenLifetime;
        var scope = AudienceOf(grant.GrantId);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = scope,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [ClientClaim] = clientId,
                [GrantClaim] = grant.GrantId,
                [ScopeClaim] = scope,
                ["services"] = grant.Granted.Services.Select(s => s.ToString().ToLowerInvariant()).ToArray(),
            },
        };
        return (_handler.CreateToken(descriptor), expiresAt, scope);
    }

    /// <summary>The token's access when it is this gateway's, unexpired, unaltered and for <paramref name="grantId"/>; else null and why.</summary>
    public async Task<(GrantAccess? Access, string? Error)> ValidateAsync(string token, string grantId)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = AudienceOf(grantId),
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                return expires is { } e && now < e && (notBefore is not { } nb || nb <= now);
            },
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => "the token has expired",
                SecurityTokenInvalidAudienceException => $"the token is not for grant {grantId}",
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the token's signature is not this gateway's",
                _ => "the token is not valid here",
            });
        }

        var claims = result.ClaimsIdentity;
        var client = claims.FindFirst(ClientClaim)?.Value;
        var grant = claims.FindFirst(GrantClaim)?.Value;
        return client is null || grant != grantId ? (null, $"the token is not for grant {grantId}") : (new GrantAccess(client, grant), null);
    }

    private static ECDsaSecurityKey LoadOrCreate(string path)
    {
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, ecdsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: false);
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
