using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>How the fake peer listens.</summary>
internal sealed record FakePeerTls(TestCredentials ServerCertificate, TestCredentials? ClientCa = null);

/// <summary>
/// A peer's Gateway and Deliver gRPC services on a real Kestrel listener (127.0.0.1, free port), plaintext or TLS
/// (optionally requiring a client certificate).
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakePeer(WebApplication app, FakePeerState state, int port)
    {
        _app = app;
        State = state;
        Port = port;
    }

    public FakePeerState State { get; }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<FakePeer> StartAsync(FakePeerTls? tls = null)
    {
        var state = new FakePeerState();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = true);
        builder.Services.AddSingleton(state);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (tls is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = tls.ServerCertificate.CertificateWithKey();
                    if (tls.ClientCa is { } clientCa)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, clientCa.Certificate);
                    }
                });
            }
        }));

        var app = builder.Build();
        app.MapGrpcService<FakeGatewayService>();
        app.MapGrpcService<FakeDeliverService>();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakePeer(app, state, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        return chain.Build(certificate);
    }
}

/// <summary>An organisation's test crypto: an MSP CA with a user, and a TLS CA with the peer's and a client's TLS certificates.</summary>
internal sealed class TestOrg
{
    public const string PeerHost = "peer0.org1.example.com";

    private static readonly Lazy<TestOrg> Shared = new(() => new TestOrg());

    private TestOrg()
    {
        Ca = TestCredentials.CreateCa("ca.org1.example.com");
        User = Ca.Issue("User1@org1.example.com");
        TlsCa = TestCredentials.CreateCa("tlsca.org1.example.com");
        PeerTls = TlsCa.Issue(PeerHost, server: true, dnsNames: [PeerHost, "peer0"]);
        ClientTls = TlsCa.Issue("User1@org1.example.com", client: true);
    }

    public static TestOrg Org1 => Shared.Value;

    public TestCredentials Ca { get; }

    public TestCredentials User { get; }

    public TestCredentials TlsCa { get; }

    public TestCredentials PeerTls { get; }

    public TestCredentials ClientTls { get; }

    public X509Identity Identity => X509Identity.FromPem("Org1MSP", User.CertificatePem);

    public EcdsaSigner Signer => EcdsaSigner.FromPem(User.Pkcs8KeyPem);

    public GatewayOptions Options(bool withSigner = true) => new()
    {
        Identity = Identity,
        Signer = withSigner ? Signer : null,
    };
}
