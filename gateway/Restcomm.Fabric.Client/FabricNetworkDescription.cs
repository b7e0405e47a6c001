using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Fabric.Client;

/// <summary>
/// The description of a running network written to <c>.run/network.json</c> by <c>make run</c> and
/// <c>make network-up</c>: each organisation's Gateway endpoint, TLS root, server name and user/admin
/// credentials, and the channels. Use <see cref="FabricOrgDescription.Connect(FabricUserRole, Action{GatewayOptions})"/> to act as an organisation.
/// </summary>
public sealed class FabricNetworkDescription
{
    /// <summary>The conventional location relative to the repository root.</summary>
    public const string DefaultRelativePath = ".run/network.json";

    /// <summary><c>dev</c> for the embedded dev network, <c>fabric</c> for real Fabric peers.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "dev";

    /// <summary>The organisations.</summary>
    [JsonPropertyName("orgs")]
    public IReadOnlyList<FabricOrgDescription> Orgs { get; init; } = [];

    /// <summary>The channels.</summary>
    [JsonPropertyName("channels")]
    public IReadOnlyList<FabricChannelDescription> Channels { get; init; } = [];

    /// <summary>Whether this describes real Fabric peers rather than the dev network.</summary>
    [JsonIgnore]
    public bool IsRealFabric => string.Equals(Kind, "fabric", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a network description file.</summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <exception cref="InvalidDataException">The file is not a valid description.</exception>
    public static FabricNetworkDescription Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path));
    }

    /// <summary>Reads a network description file.</summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">The file is not a valid description.</exception>
    public static async Task<FabricNetworkDescription> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Parses a network description from JSON text.</summary>
    /// <param name="json">The JSON text (comments and trailing commas are tolerated).</param>
    /// <exception cref="InvalidDataException">The text is not a valid description.</exception>
    public static FabricNetworkDescription Parse(string json)
    {
        FabricNetworkDescription? description;
        try
        {
            description = JsonSerializer.Deserialize(json, NetworkJson.Default.FabricNetworkDescription);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Invalid network description: {e.Message}", e);
        }

        if (description is null)
        {
            throw new InvalidDataException("Invalid network description: empty document.");
        }

        foreach (var org in description.Orgs)
        {
            if (string.IsNullOrEmpty(org.MspId) || string.IsNullOrEmpty(org.GatewayEndpoint))
            {
                throw new InvalidDataException("Invalid network description: every org needs an mspId and a gatewayEndpoint.");
            }
        }

        return description;
    }

    /// <summary>
    /// Looks for <c>.run/network.json</c> in <paramref name="startDirectory"/> (default: the current directory)
    /// and its parents; returns its full path, or null when there is none.
    /// </summary>
    /// <param name="startDirectory">Where to start looking.</param>
    public static string? FindFile(string? startDirectory = null)
    {
        for (var dir = new DirectoryInfo(startDirectory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Returns the organisation with that MSP ID.</summary>
    /// <param name="mspId">The MSP ID, e.g. <c>Org1MSP</c>.</param>
    /// <exception cref="KeyNotFoundException">No such organisation.</exception>
    public FabricOrgDescription GetOrg(string mspId) =>
        Orgs.FirstOrDefault(o => string.Equals(o.MspId, mspId, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"No organisation '{mspId}' in the network description.");

    /// <summary>Returns the channel of that name.</summary>
    /// <param name="name">The channel name.</param>
    /// <exception cref="KeyNotFoundException">No such channel.</exception>
    public FabricChannelDescription GetChannel(string name) =>
        Channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"No channel '{name}' in the network description.");
}

/// <summary>Which of an organisation's identities to act as.</summary>
public enum FabricUserRole
{
    /// <summary>The organisation's ordinary client user (e.g. <c>User1@org1.example.com</c>).</summary>
    User,

    /// <summary>The organisation's admin (e.g. <c>Admin@org1.example.com</c>).</summary>
    Admin,
}

/// <summary>One organisation in <c>.run/network.json</c>.</summary>
public sealed class FabricOrgDescription
{
    /// <summary>The MSP ID, e.g. <c>Org1MSP</c>.</summary>
    [JsonPropertyName("mspId")]
    public string MspId { get; init; } = "";

    /// <summary>The Gateway endpoint as <c>host:port</c> (TLS).</summary>
    [JsonPropertyName("gatewayEndpoint")]
    public string GatewayEndpoint { get; init; } = "";

    /// <summary>Absolute path of the PEM TLS CA certificate the peer's TLS certificate chains to; when absent, plain HTTP/2 is used.</summary>
    [JsonPropertyName("tlsRootCertFile")]
    public string? TlsRootCertFile { get; init; }

    /// <summary>The name to verify in the peer's TLS certificate, e.g. <c>peer0.org1.example.com</c>.</summary>
    [JsonPropertyName("tlsServerName")]
    public string? TlsServerName { get; init; }

    /// <summary>Absolute path of the user's PEM signing certificate.</summary>
    [JsonPropertyName("clientCertFile")]
    public string? ClientCertFile { get; init; }

    /// <summary>Absolute path of the user's PEM private key.</summary>
    [JsonPropertyName("clientKeyFile")]
    public string? ClientKeyFile { get; init; }

    /// <summary>Absolute path of the admin's PEM signing certificate.</summary>
    [JsonPropertyName("adminCertFile")]
    public string? AdminCertFile { get; init; }

    /// <summary>Absolute path of the admin's PEM private key.</summary>
    [JsonPropertyName("adminKeyFile")]
    public string? AdminKeyFile { get; init; }

    /// <summary>Optional (extension field): PEM client TLS certificate for peers that require mutual TLS.</summary>
    [JsonPropertyName("tlsClientCertFile")]
    public string? TlsClientCertFile { get; init; }

    /// <summary>Optional (extension field): PEM key of <see cref="TlsClientCertFile"/>.</summary>
    [JsonPropertyName("tlsClientKeyFile")]
    public string? TlsClientKeyFile { get; init; }

    /// <summary>Optional (extension field): further named users with their own credentials, e.g. with attributes.</summary>
    [JsonPropertyName("users")]
    public IReadOnlyList<FabricUserDescription> Users { get; init; } = [];

    /// <summary>Loads the user's or admin's X.509 identity from its certificate file.</summary>
    /// <param name="role">Which identity.</param>
    public X509Identity LoadIdentity(FabricUserRole role = FabricUserRole.User) =>
        X509Identity.FromPemFile(MspId, Required(role == FabricUserRole.Admin ? AdminCertFile : ClientCertFile, role, "certificate"));

    /// <summary>Loads the user's or admin's signer from its private key file (<see cref="Signers.FromPemFile"/>).</summary>
    /// <param name="role">Which identity.</param>
    public ISigner LoadSigner(FabricUserRole role = FabricUserRole.User) =>
        Signers.FromPemFile(Required(role == FabricUserRole.Admin ? AdminKeyFile : ClientKeyFile, role, "key"));

    /// <summary>Connection settings for this organisation's Gateway: endpoint, TLS root, server name, and client TLS when given.</summary>
    public ConnectionOptions CreateConnectionOptions() => new()
    {
        Endpoint = GatewayEndpoint,
        UseTls = !string.IsNullOrEmpty(TlsRootCertFile),
        TlsRootCertificatesPem = string.IsNullOrEmpty(TlsRootCertFile) ? null : File.ReadAllText(TlsRootCertFile),
        TlsServerName = string.IsNullOrEmpty(TlsServerName) ? null : TlsServerName,
        TlsClientCertificatePem = string.IsNullOrEmpty(TlsClientCertFile) ? null : File.ReadAllText(TlsClientCertFile),
        TlsClientKeyPem = string.IsNullOrEmpty(TlsClientKeyFile) ? null : File.ReadAllText(TlsClientKeyFile),
    };

    /// <summary>Gateway options acting as this organisation's user or admin (identity and signer from its files).</summary>
    /// <param name="role">Which identity.</param>
    public GatewayOptions CreateGatewayOptions(FabricUserRole role = FabricUserRole.User) => new()
    {
        Identity = LoadIdentity(role),
        Signer = LoadSigner(role),
    };

    /// <summary>
    /// Connects to this organisation's Gateway as its user or admin. The returned gateway owns its gRPC channel;
    /// dispose it when done.
    /// </summary>
    /// <param name="role">Which identity.</param>
    /// <param name="configure">Adjusts the options (e.g. timeouts) before connecting.</param>
    public Gateway Connect(FabricUserRole role = FabricUserRole.User, Action<GatewayOptions>? configure = null)
    {
        var options = CreateGatewayOptions(role);
        configure?.Invoke(options);
        return Gateway.Connect(CreateConnectionOptions(), options);
    }

    /// <summary>Gateway options acting as the named user from <see cref="Users"/> (e.g. <c>User1</c>).</summary>
    /// <param name="userName">The user's name.</param>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public GatewayOptions CreateGatewayOptions(string userName)
    {
        var user = Users.FirstOrDefault(u => string.Equals(u.Name, userName, StringComparison.Ordinal))
            ?? throw new KeyNotFoundException($"No user '{userName}' for {MspId} in the network description.");
        return new GatewayOptions
        {
            Identity = X509Identity.FromPemFile(MspId, user.CertFile),
            Signer = Signers.FromPemFile(user.KeyFile),
        };
    }

    /// <summary>Connects to this organisation's Gateway as the named user from <see cref="Users"/>.</summary>
    /// <param name="userName">The user's name.</param>
    /// <param name="configure">Adjusts the options (e.g. timeouts) before connecting.</param>
    public Gateway Connect(string userName, Action<GatewayOptions>? configure = null)
    {
        var options = CreateGatewayOptions(userName);
        configure?.Invoke(options);
        return Gateway.Connect(CreateConnectionOptions(), options);
    }

    private string Required(string? path, FabricUserRole role, string what) =>
        string.IsNullOrEmpty(path)
            ? throw new InvalidOperationException($"The network description gives no {role.ToString().ToLowerInvariant()} {what} file for {MspId}.")
            : path;
}

/// <summary>A named user of an organisation in <c>.run/network.json</c> (extension field <c>users</c>).</summary>
public sealed class FabricUserDescription
{
    /// <summary>The user's name, e.g. <c>User1</c>.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Absolute path of the user's PEM signing certificate.</summary>
    [JsonPropertyName("certFile")]
    public string CertFile { get; init; } = "";

    /// <summary>Absolute path of the user's PEM private key.</summary>
    [JsonPropertyName("keyFile")]
    public string KeyFile { get; init; } = "";
}

/// <summary>One channel in <c>.run/network.json</c>.</summary>
public sealed class FabricChannelDescription
{
    /// <summary>The channel name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The MSP IDs of the member organisations.</summary>
    [JsonPropertyName("members")]
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>The chaincodes deployed on the channel.</summary>
    [JsonPropertyName("chaincodes")]
    public IReadOnlyList<string> Chaincodes { get; init; } = [];

    /// <summary>The private data collections defined on the channel.</summary>
    [JsonPropertyName("collections")]
    public IReadOnlyList<string> Collections { get; init; } = [];
}

[JsonSerializable(typeof(FabricNetworkDescription))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class NetworkJson : JsonSerializerContext;
