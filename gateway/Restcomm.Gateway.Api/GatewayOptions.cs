using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api;

/// <summary>Settings of one API instance (configuration section <c>Gateway</c>).</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>MSP ID of the organisation this instance acts for; keys of other organisations are refused.</summary>
    public string MspId { get; set; } = "Org1MSP";

    /// <summary>Directory for the default SQLite store and other local state.</summary>
    public string DataDirectory { get; set; } = ".run/api";

    /// <summary>Store: empty for <c>gateway.db</c> in <see cref="DataDirectory"/>, a file path, or a PostgreSQL connection string.</summary>
    public string? Store { get; set; }

    /// <summary>Organisations whose keys may only read (a regulator).</summary>
    public List<string> ReadOnlyOrganisations { get; set; } = [.. ApiScopes.DefaultReadOnlyOrganisations];

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest body of a bulk endpoint (EIR bulk report and bulk check), in bytes: 10,000 reports of the largest size
    /// the EIR accepts (a 1,000-character note and an evidence hash each) fit in the default.
    /// </summary>
    public long MaxBulkRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long stored idempotent responses are kept.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a verified API key is trusted without asking the store again; a revoked key is refused at
    /// most this long after <c>restcomm keys revoke</c>. Zero checks the store on every request.
    /// </summary>
    public TimeSpan ApiKeyCacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Log format on the console: <c>json</c> (structured, the default) or <c>text</c>.</summary>
    public string LogFormat { get; set; } = "json";

    /// <summary>
    /// <c>operator</c> (every endpoint group) or <c>regulator</c> (only read routes: <c>/v1/me</c>, <c>/v1/audit</c>, the
    /// change feeds and <c>/dashboard</c>; a write route does not exist). Empty: <c>regulator</c> when
    /// <see cref="MspId"/> is a read-only organisation.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>Whether this instance serves the regulator profile.</summary>
    public bool IsRegulatorProfile => string.IsNullOrEmpty(Profile) ? IsReadOnly(MspId) : string.Equals(Profile, "regulator", StringComparison.OrdinalIgnoreCase);

    public bool IsReadOnly(string organisation) => ReadOnlyOrganisations.Contains(organisation, StringComparer.Ordinal);
}
