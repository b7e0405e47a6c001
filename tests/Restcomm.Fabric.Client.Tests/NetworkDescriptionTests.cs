using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Client.Tests.Support;

namespace Restcomm.Fabric.Client.Tests;

public sealed class NetworkDescriptionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "client-tests-" + Guid.NewGuid().ToString("N"));

    public NetworkDescriptionTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_shared_network_json_format_is_read_with_its_orgs_and_channels()
    {
        const string json = """
            {
              "kind": "dev",                       // or "fabric"
              "orgs": [
                {
                  "mspId": "Org1MSP",
                  "gatewayEndpoint": "127.0.0.1:7101",
                  "tlsRootCertFile": "/abs/tlsca.org1.example.com-cert.pem",
                  "tlsServerName": "peer0.org1.example.com",
                  "clientCertFile": "/abs/User1/cert.pem",
                  "clientKeyFile": "/abs/User1/priv_sk",
                  "adminCertFile": "/abs/Admin/cert.pem", "adminKeyFile": "/abs/Admin/priv_sk",
                  "somethingNew": 42
                }
              ],
              "channels": [
                { "name": "roaming-emea", "members": ["Org1MSP","Org2MSP","Org3MSP"],
                  "chaincodes": ["example"], "collections": ["pair-Org1MSP-Org2MSP"] }
              ]
            }
            """;

        var description = FabricNetworkDescription.Parse(json);

        Assert.False(description.IsRealFabric);
        var org = description.GetOrg("Org1MSP");
        Assert.Equal("127.0.0.1:7101", org.GatewayEndpoint);
        Assert.Equal("peer0.org1.example.com", org.TlsServerName);
        Assert.Equal("/abs/Admin/priv_sk", org.AdminKeyFile);
        var channel = description.GetChannel("roaming-emea");
        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP"], channel.Members);
        Assert.Equal(["example"], channel.Chaincodes);
        Assert.Equal(["pair-Org1MSP-Org2MSP"], channel.Collections);
        Assert.Throws<KeyNotFoundException>(() => description.GetOrg("Org9MSP"));
    }

    [Fact]
    public void An_invalid_description_is_reported_as_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => FabricNetworkDescription.Parse("{\"orgs\": [{\"mspId\": \"Org1MSP\"}]}"));
        Assert.Throws<InvalidDataException>(() => FabricNetworkDescription.Parse("not json"));
    }

    [Fact]
    public void The_description_file_is_found_from_a_subdirectory()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".run"));
        File.WriteAllText(Path.Combine(_root, ".run", "network.json"), "{\"kind\":\"fabric\",\"orgs\":[],\"channels\":[]}");
        var nested = Directory.CreateDirectory(Path.Combine(_root, "a", "b")).FullName;

        var found = FabricNetworkDescription.FindFile(nested);

        Assert.Equal(Path.Combine(_root, ".run", "network.json"), found);
        Assert.True(FabricNetworkDescription.Load(found!).IsRealFabric);
    }

    [Theory]
    [InlineData(FabricUserRole.User)]
    [InlineData(FabricUserRole.Admin)]
    public async Task Connecting_as_an_org_from_the_description_uses_its_files_over_tls(FabricUserRole role)
    {
        var org = TestOrg.Org1;
        var admin = org.Ca.Issue("Admin@org1.example.com");
        var reporter = org.Ca.Issue("Reporter@org1.example.com");
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(org.PeerTls));
        var description = FabricNetworkDescription.Parse(JsonSerializer.Serialize(new
        {
            kind = "dev",
            orgs = new[]
            {
                new
                {
                    mspId = "Org1MSP",
                    gatewayEndpoint = peer.Endpoint,
                    tlsRootCertFile = Write("tlsca.pem", org.TlsCa.CertificatePem),
                    tlsServerName = TestOrg.PeerHost,
                    clientCertFile = Write("user-cert.pem", org.User.CertificatePem),
                    clientKeyFile = Write("user-priv_sk", org.User.Pkcs8KeyPem),
                    adminCertFile = Write("admin-cert.pem", admin.CertificatePem),
                    adminKeyFile = Write("admin-priv_sk", admin.Sec1KeyPem),
                    users = new[] { new { name = "Reporter", certFile = Write("reporter-cert.pem", reporter.CertificatePem), keyFile = Write("reporter-priv_sk", reporter.Pkcs8KeyPem) } },
                },
            },
            channels = Array.Empty<object>(),
        }));

        using var gateway = description.GetOrg("Org1MSP").Connect(role, o => o.EvaluateTimeout = TimeSpan.FromSeconds(10));
        var result = await gateway.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read", "x").WaitAsync(Bound);

        Assert.Equal("Read:x", Encoding.UTF8.GetString(result));
        Assert.Equal("Org1MSP", gateway.Identity.MspId);
        var expectedCertificate = role == FabricUserRole.Admin ? admin.CertificatePem : org.User.CertificatePem;
        Assert.Equal(expectedCertificate, Encoding.ASCII.GetString(gateway.Identity.Credentials.Span));
        using var named = description.GetOrg("Org1MSP").Connect("Reporter");
        await named.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read", "y").WaitAsync(Bound);
        Assert.Equal(reporter.CertificatePem, Encoding.ASCII.GetString(named.Identity.Credentials.Span));
        Assert.Throws<KeyNotFoundException>(() => description.GetOrg("Org1MSP").Connect("Nobody"));
        Assert.Empty(peer.State.Checks.Violations);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, content);
        return path;
    }
}
