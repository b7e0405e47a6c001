using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The parts of network/fabric that need no Fabric binaries: collection configs generated from
/// channel membership, ccaas packages and the configtx.yaml template. They run everywhere.
/// </summary>
public sealed class NetworkScriptTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _runDir = Directory.CreateTempSubdirectory("fabric-run-").FullName;

    /// <summary>Sources lib/common.sh with a scratch run directory and runs <paramref name="script"/>.</summary>
    private async Task<string> CommonAsync(string script, bool chaincodeTls = false)
    {
        var result = await Repository.BashAsync(
            ["-c", "set -euo pipefail; source network/fabric/lib/common.sh; " + script],
            Timeout,
            new Dictionary<string, string>
            {
                ["RESTCOMM_FABRIC_RUN_DIR"] = _runDir,
                ["FABRIC_BIN"] = "/nonexistent",
                ["CHAINCODE_TLS"] = chaincodeTls ? "true" : "false",
            });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output;
    }

    [Fact]
    public async Task Roaming_channel_gets_one_collection_per_pair_of_operators_named_with_sorted_msp_ids()
    {
        var output = await CommonAsync("channel_collections roaming-emea");

        Assert.Equal(
            ["pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("eir")]
    [InlineData("numbers")]
    [InlineData("audit")]
    public async Task Other_channels_get_no_pairwise_collections(string channel)
    {
        var output = await CommonAsync($"channel_collections {channel}");

        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact]
    public async Task Collection_config_is_member_only_and_readable_by_exactly_the_two_partners()
    {
        var file = (await CommonAsync("mkdir -p \"$ARTEFACTS\"; collections_config roaming-emea")).Trim();

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var collections = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, collections.Count);
        var first = collections[0];
        Assert.Equal("pair-Org1MSP-Org2MSP", first.GetProperty("name").GetString());
        Assert.Equal("OR('Org1MSP.member', 'Org2MSP.member')", first.GetProperty("policy").GetString());
        Assert.True(first.GetProperty("memberOnlyRead").GetBoolean());
        Assert.True(first.GetProperty("memberOnlyWrite").GetBoolean());
        Assert.Equal(0, first.GetProperty("blockToLive").GetInt32());
        Assert.Equal("OR('Org2MSP.member', 'Org3MSP.member')", collections[2].GetProperty("policy").GetString());
    }

    [Fact]
    public async Task Ccaas_package_holds_metadata_type_ccaas_and_a_connection_json_with_the_native_address()
    {
        var package = (await CommonAsync("package_chaincode example 1")).Trim();

        var entries = await ReadTarGzAsync(await File.ReadAllBytesAsync(package));
        Assert.Equal(["metadata.json", "code.tar.gz"], entries.Keys);
        using var metadata = JsonDocument.Parse(entries["metadata.json"]);
        Assert.Equal("ccaas", metadata.RootElement.GetProperty("type").GetString());
        Assert.Equal("example_1", metadata.RootElement.GetProperty("label").GetString());
        var code = await ReadTarGzAsync(entries["code.tar.gz"]);
        using var connection = JsonDocument.Parse(code["connection.json"]);
        Assert.Equal("127.0.0.1:7301", connection.RootElement.GetProperty("address").GetString());
        Assert.False(connection.RootElement.GetProperty("tls_required").GetBoolean());
    }

    [Fact]
    public async Task Ccaas_package_with_chaincode_tls_carries_the_peer_client_key_pair_and_the_server_root_as_pem()
    {
        var org = Path.Combine(_runDir, "crypto", "peerOrganizations", "chaincode.example.com");
        var user = Directory.CreateDirectory(Path.Combine(org, "users", "User1@chaincode.example.com", "tls")).FullName;
        var tlsca = Directory.CreateDirectory(Path.Combine(org, "tlsca")).FullName;
        const string Key = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";
        const string Cert = "-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n";
        const string Root = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n";
        await File.WriteAllTextAsync(Path.Combine(user, "client.key"), Key);
        await File.WriteAllTextAsync(Path.Combine(user, "client.crt"), Cert);
        await File.WriteAllTextAsync(Path.Combine(tlsca, "tlsca.chaincode.example.com-cert.pem"), Root);

        var package = (await CommonAsync("package_chaincode example 1", chaincodeTls: true)).Trim();

        var code = await ReadTarGzAsync((await ReadTarGzAsync(await File.ReadAllBytesAsync(package)))["code.tar.gz"]);
        using var connection = JsonDocument.Parse(code["connection.json"]);
        var json = connection.RootElement;
        Assert.True(json.GetProperty("tls_required").GetBoolean());
        Assert.True(json.GetProperty("client_auth_required").GetBoolean());
        Assert.Equal(Key, json.GetProperty("client_key").GetString());
        Assert.Equal(Cert, json.GetProperty("client_cert").GetString());
        Assert.Equal(Root, json.GetProperty("root_cert").GetString());
    }

    [Fact]
    public async Task Package_id_is_label_and_sha256_and_the_same_for_the_same_package()
    {
        var first = (await CommonAsync("package_id \"$(package_chaincode example 3)\"")).Trim();
        var second = (await CommonAsync("package_id \"$(package_chaincode example 3)\"")).Trim();

        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_runDir, "chaincode", "example", "3", "example_3.tgz"))));
        Assert.Equal($"example_3:{hash}", first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Configtx_template_is_filled_with_native_endpoints()
    {
        await CommonAsync("render_configtx");

        var text = await File.ReadAllTextAsync(Path.Combine(_runDir, "config", "configtx.yaml"));
        Assert.DoesNotContain("${ORDERER", text, StringComparison.Ordinal);
        Assert.Contains("- 127.0.0.1:7050", text, StringComparison.Ordinal);
        Assert.Contains("Port: 13051", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regulator_is_only_a_writer_through_its_admin_and_proposals_need_only_a_reader()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "network", "fabric", "configtx.yaml"));

        Assert.Contains("Writers:     { Type: Signature, Rule: \"OR('RegulatorMSP.admin')\" }", text, StringComparison.Ordinal);
        Assert.Contains("peer/Propose: /Channel/Application/Readers", text, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, byte[]>> ReadTarGzAsync(byte[] bytes)
    {
        var entries = new Dictionary<string, byte[]>();
        await using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var content = new MemoryStream();
            if (entry.DataStream is not null)
            {
                await entry.DataStream.CopyToAsync(content);
            }

            entries[entry.Name] = content.ToArray();
        }

        return entries;
    }

    public void Dispose() => Directory.Delete(_runDir, recursive: true);
}
