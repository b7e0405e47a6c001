namespace Restcomm.Gateway.Store;

/// <summary>An API key as stored: everything except its secret, which is kept only as a hash.</summary>
/// <param name="Id">Public identifier, also the second part of the token.</param>
/// <param name="Organisation">MSP ID of the organisation the key acts for.</param>
/// <param name="Name">Free label, e.g. the calling system.</param>
/// <param name="Scopes">Granted scopes.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked, or null while valid.</param>
public sealed record ApiKey(
    string Id,
    string Organisation,
    string Name,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt)
{
    /// <summary>Whether the key is revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Whether the key holds <paramref name="scope"/>.</summary>
    /// <param name="scope">A scope.</param>
    /// <returns>True when granted.</returns>
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>A newly created key with its token, which is shown once and never stored.</summary>
/// <param name="Key">The stored key.</param>
/// <param name="Token">The full secret token to hand to the caller (<c>rck_&lt;id&gt;_&lt;secret&gt;</c>).</param>
public sealed record CreatedApiKey(ApiKey Key, string Token);
