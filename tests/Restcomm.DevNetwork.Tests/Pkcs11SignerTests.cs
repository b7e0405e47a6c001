using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Testing.Hsm;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The client's PKCS#11 signer on SoftHSM2 (Debian's package, installed by tests/setup/softhsm.sh): a key generated
/// inside a fresh token signs low-S signatures any verifier accepts, and an Org1 identity whose certificate holds that
/// key submits a transaction the dev network validates and commits.
/// </summary>
public sealed class Pkcs11SignerTests : IDisposable
{
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private readonly SoftHsmToken? _token = SoftHsmToken.SkipReason is null ? SoftHsmToken.Create() : null;
    private readonly string? _skip = SoftHsmToken.SkipReason;

    public void Dispose() => _token?.Dispose();

    [SkippableFact]
    public void A_key_generated_in_the_token_signs_low_s_der_signatures_that_verify_and_is_found_again_by_label()
    {
        Skip.If(_skip is not null, _skip);
        using var generated = Pkcs11Signer.GenerateKeyPair(Options("signing-key"));
        using var verifier = ECDsa.Create(generated.PublicKey);
        for (var i = 0; i < 200; i++)
        {
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"message {i}"));
            var signature = generated.Sign(digest);

            Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence), $"signature {i} does not verify");
            var s = S(signature);
            Assert.True(s <= P256Order / 2, $"signature {i} has a high S");
        }

        using var reopened = Pkcs11Signer.Open(Options("signing-key"));
        var again = reopened.Sign(SHA256.HashData("again"u8));
        Assert.True(verifier.VerifyHash(SHA256.HashData("again"u8), again, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(generated.PublicKey.Q.X, reopened.PublicKey.Q.X);
    }

    [SkippableFact]
    public void A_wrong_pin_an_unknown_token_and_a_missing_key_are_refused_with_what_was_wrong()
    {
        Skip.If(_skip is not null, _skip);
        using (Pkcs11Signer.GenerateKeyPair(Options("present")))
        {
        }

        var pin = Assert.Throws<Pkcs11SignerException>(() => Pkcs11Signer.Open(Options("present") with { Pin = "00000000" }));
        var token = Assert.Throws<Pkcs11SignerException>(() => Pkcs11Signer.Open(Options("present") with { TokenLabel = "no-such-token" }));
        var key = Assert.Throws<Pkcs11SignerException>(() => Pkcs11Signer.Open(Options("absent")));

        Assert.Contains("PIN", pin.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-token", token.Message, StringComparison.Ordinal);
        Assert.Contains("'absent'", key.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_identity_whose_key_lives_in_the_token_submits_a_transaction_the_dev_network_commits()
    {
        Skip.If(_skip is not null, _skip);
        await using var network = await TestNetwork.StartAsync();
        using var signer = Pkcs11Signer.GenerateKeyPair(Options("fabric-user"));
        var certificate = IssueOrg1ClientCertificate(network, signer.PublicKey, "HsmUser1@org1.example.com");
        var org = FabricNetworkDescription.Load(network.NetworkJson).GetOrg("Org1MSP");
        using var gateway = Gateway.Connect(org.CreateConnectionOptions(), new GatewayOptions
        {
            Identity = X509Identity.FromPem("Org1MSP", certificate),
            Signer = signer,
        });
        var contract = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);

        var submitted = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments("hsm-asset", "hsm-owner", "9")).WaitAsync(TestNetwork.Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(TestNetwork.Timeout);
        var read = await network.Contract("Org2MSP").EvaluateTransactionAsync("ReadAsset", "hsm-asset").WaitAsync(TestNetwork.Timeout);

        Assert.True(status.IsSuccessful, $"committed as {status.Code}");
        Assert.Contains("hsm-owner", Encoding.UTF8.GetString(read), StringComparison.Ordinal);
    }

    private Pkcs11SignerOptions Options(string keyLabel) => _token!.Options(keyLabel);

    private static string IssueOrg1ClientCertificate(TestNetwork network, ECParameters publicKey, string commonName)
        => SoftHsmToken.IssueClientCertificate(Path.Combine(network.CryptoRoot, "peerOrganizations", "org1.example.com", "ca"), publicKey, commonName);

    private static BigInteger S(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        reader.ReadInteger();
        return reader.ReadInteger();
    }
}
