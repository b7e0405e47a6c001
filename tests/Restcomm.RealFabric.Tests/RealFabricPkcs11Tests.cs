using System.Text;
using Restcomm.Fabric.Client;
using Restcomm.Testing.Hsm;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The client's PKCS#11 signer against real Fabric 2.5 peers: a key generated inside a SoftHSM2 token, its client
/// certificate issued by Org1's CA (the one cryptogen made for the network), signs a proposal the peers endorse and a
/// transaction the orderer accepts and the peers validate — so the token's signatures are low-S DER as Fabric demands.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricPkcs11Tests(FabricNetworkFixture network)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task An_identity_whose_key_lives_in_an_hsm_token_submits_a_transaction_the_real_peers_commit()
    {
        network.Require();
        Skip.If(SoftHsmToken.SkipReason is not null, SoftHsmToken.SkipReason);
        using var token = SoftHsmToken.Create();
        using var signer = Pkcs11Signer.GenerateKeyPair(token.Options("fabric-user"));
        var ca = Path.Combine(Repository.Root, ".run", "fabric", "crypto", "peerOrganizations", "org1.example.com", "ca");
        var certificate = SoftHsmToken.IssueClientCertificate(ca, signer.PublicKey, "HsmUser1@org1.example.com");
        var org1 = FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg("Org1MSP");
        using var gateway = Gateway.Connect(org1.CreateConnectionOptions(), new GatewayOptions
        {
            Identity = X509Identity.FromPem("Org1MSP", certificate),
            Signer = signer,
        });
        using var org2 = FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg("Org2MSP").Connect();
        var id = $"hsm-{Guid.NewGuid():N}"[..16];

        var submitted = await gateway.GetNetwork("eir").GetContract("example")
            .SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(id, "hsm-owner", "9")).WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);
        var read = await org2.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout);

        Assert.True(status.IsSuccessful, $"committed as {status.Code}");
        Assert.Contains("hsm-owner", Encoding.UTF8.GetString(read), StringComparison.Ordinal);
    }
}
