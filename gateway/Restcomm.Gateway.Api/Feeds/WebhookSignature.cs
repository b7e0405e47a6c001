using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>
/// The <c>X-Restcomm-Signature</c> header of a webhook POST: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, the
/// HMAC keyed with the subscription's secret (its UTF-8 bytes, as issued, <c>whsec_</c> included) over
/// <c>t + "." + body</c> (the raw body bytes).
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-Restcomm-Signature";

    public static string Create(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64url.</summary>
    public static string NewSecret() => "whsec_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
