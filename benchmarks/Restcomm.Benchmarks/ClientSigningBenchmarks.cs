using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Grpc.Net.Client;
using Restcomm.Fabric.Client;

namespace Restcomm.Benchmarks;

/// <summary>
/// The client-side cost of a transaction before any network I/O: ECDSA signing and verification with
/// BouncyCastle (low-S DER), and building plus signing a complete proposal.
/// </summary>
[MemoryDiagnoser]
public class ClientSigningBenchmarks
{
    private readonly byte[] _digest = SHA256.HashData("a proposal"u8);
    private EcdsaSigner _p256 = null!;
    private EcdsaSigner _p384 = null!;
    private ECDsa _dotnetP256 = null!;
    private PlatformEcdsaSigner _platformP256 = null!;
    private byte[] _p256Signature = null!;
    private GrpcChannel _channel = null!;
    private Gateway _gateway = null!;
    private Contract _contract = null!;
    private ProposalOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dotnetP256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _p256 = EcdsaSigner.FromPem(_dotnetP256.ExportPkcs8PrivateKeyPem());
        _platformP256 = PlatformEcdsaSigner.FromPem(_dotnetP256.ExportPkcs8PrivateKeyPem());
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        _p384 = EcdsaSigner.FromPem(p384.ExportPkcs8PrivateKeyPem());
        _p256Signature = _p256.Sign(_digest);

        var request = new CertificateRequest("CN=User1@org1.example.com", _dotnetP256, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        // No call is made: the channel only has to exist for the gateway to build proposals.
        _channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        _gateway = Gateway.Connect(_channel, new GatewayOptions
        {
            Identity = new X509Identity("Org1MSP", X509CertificateLoader.LoadCertificate(certificate.RawData)),
            Signer = _p256,
        });
        _contract = _gateway.GetNetwork("roaming-emea").GetContract("example");
        _options = new ProposalOptions().AddArguments("asset1", "blue", "20", "Tom");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gateway.Dispose();
        _channel.Dispose();
        _dotnetP256.Dispose();
        _platformP256.Dispose();
    }

    /// <summary>BouncyCastle ECDSA P-256 signature of a SHA-256 digest, low-S DER.</summary>
    [Benchmark(Baseline = true)]
    public byte[] SignP256() => _p256.Sign(_digest);

    /// <summary>BouncyCastle ECDSA P-384 signature, low-S DER.</summary>
    [Benchmark]
    public byte[] SignP384() => _p384.Sign(_digest);

    /// <summary>BouncyCastle verification of a P-256 signature (including the low-S check).</summary>
    [Benchmark]
    public bool VerifyP256() => _p256.Verify(_digest, _p256Signature);

    /// <summary>The platform (OpenSSL) P-256 signer with low-S normalisation and DER encoding.</summary>
    [Benchmark]
    public byte[] SignP256Platform() => _platformP256.Sign(_digest);

    /// <summary>A complete signed proposal: nonce, transaction ID, headers, serialisation, SHA-256 and signature.</summary>
    [Benchmark]
    public byte[] SignedProposal()
    {
        var proposal = _contract.NewProposal("CreateAsset", _options);
        return _p256.Sign(proposal.GetDigest());
    }

    /// <summary>A complete signed proposal with the platform signer.</summary>
    [Benchmark]
    public byte[] SignedProposalPlatform()
    {
        var proposal = _contract.NewProposal("CreateAsset", _options);
        return _platformP256.Sign(proposal.GetDigest());
    }
}
