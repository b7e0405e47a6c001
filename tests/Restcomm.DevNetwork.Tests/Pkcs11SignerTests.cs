using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The client's PKCS#11 signer on SoftHSM2 (Debian's package, installed by tests/setup/softhsm.sh): a key generated
/// inside a fresh token signs low-S signatures any verifier accepts, and an Org1 identity whose certificate holds that
/// key submits a transaction the dev network validates and commits.
/// </summary>
public sealed partial class Pkcs11SignerTests : IAsyncLifetime
{
    private const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Pin = "98765432";
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-softhsm-").FullName;
    private readonly string _token = "restcomm-" + Guid.NewGuid().ToString("N")[..8];
    private string? _skip;

    public Task InitializeAsync()
    {
        if (!File.Exists(Library) || !File.Exists("/usr/bin/softhsm2-util"))
        {
            _skip = "SoftHSM2 is not installed (tests/setup/softhsm.sh installs Debian's softhsm2).";
            return Task.CompletedTask;
        }

        // A token directory of this test's own: SoftHSM reads SOFTHSM2_CONF from the process environment when the
        // library initialises, so it is set in the native environment (not only .NET's copy of it).
        var tokens = Directory.CreateDirectory(Path.Combine(_directory, "tokens")).FullName;
        var conf = Path.Combine(_directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Assert.Equal(0, SetEnv("SOFTHSM2_CONF", conf, 1));
        var init = new ProcessStartInfo("/usr/bin/softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--init-token", "--free", "--label", _token, "--pin", Pin, "--so-pin", "12345678" })
        {
            init.ArgumentList.Add(arg);
        }

        init.Environment["SOFTHSM2_CONF"] = conf;
        using var process = Process.Start(init)!;
        process.WaitForExit(30_000);
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

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

    private Pkcs11SignerOptions Options(string keyLabel) => new() { Library = Library, TokenLabel = _token, Pin = Pin, KeyLabel = keyLabel };

    /// <summary>A client certificate (NodeOU <c>client</c>) for <paramref name="publicKey"/>, issued by Org1's CA.</summary>
    private static string IssueOrg1ClientCertificate(TestNetwork network, ECParameters publicKey, string commonName)
    {
        var ca = Path.Combine(network.CryptoRoot, "peerOrganizations", "org1.example.com", "ca");
        using var caCertificate = X509Certificate2.CreateFromPemFile(Path.Combine(ca, "ca.org1.example.com-cert.pem"), Path.Combine(ca, "priv_sk"));
        using var caKey = caCertificate.GetECDsaPrivateKey()!;
        using var subjectKey = ECDsa.Create(publicKey);
        var request = new CertificateRequest(
            new X500DistinguishedName($"C=US, ST=California, L=San Francisco, OU=client, CN={commonName}"), subjectKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(caCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return issued.ExportCertificatePem();
    }

    private static BigInteger S(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        reader.ReadInteger();
        return reader.ReadInteger();
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
