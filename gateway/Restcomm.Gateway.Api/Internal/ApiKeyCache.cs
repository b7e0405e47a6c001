using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Remembers keys the store has verified for <see cref="GatewayOptions.ApiKeyCacheTtl"/>, so a busy client
/// does not cost a store query per request. Entries are found by the SHA-256 of the whole token (no token is
/// held in memory), failures are never cached, and a key revoked in the store (<c>restcomm keys revoke</c>,
/// possibly from another process) is refused by every instance once its entry expires.
/// </summary>
internal sealed class ApiKeyCache(GatewayStore store, TimeProvider clock, IOptions<GatewayOptions> options)
{
    /// <summary>Above this many cached keys the cache starts again empty (bounds memory against many distinct keys).</summary>
    internal const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.ApiKeyCacheTtl;

    /// <summary>The valid key the token belongs to, or null when it is malformed, unknown, wrong or revoked.</summary>
    public async ValueTask<ApiKey?> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (_ttl <= TimeSpan.Zero)
        {
            return await store.ApiKeys.VerifyAsync(token, cancellationToken).ConfigureAwait(false);
        }

        var digest = Digest(token);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(digest, out var cached))
        {
            if (now < cached.ExpiresAt)
            {
                return cached.Key;
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(digest, cached));
        }

        var key = await store.ApiKeys.VerifyAsync(token, cancellationToken).ConfigureAwait(false);
        if (key is not null)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[digest] = new Entry(key, now + _ttl);
        }

        return key;
    }

    private static string Digest(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
        return Convert.ToBase64String(hash);
    }

    private sealed record Entry(ApiKey Key, DateTimeOffset ExpiresAt);
}
