using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Fabric.Shim.Internal;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// A chaincode-as-a-service server: a gRPC server offering <c>/protos.Chaincode/Connect</c>, which Fabric peers
/// (and the dev network) dial. Each peer connection is one stream carrying many concurrent transactions, on any
/// number of channels.
/// </summary>
/// <example>
/// <code>
/// await using var server = await ChaincodeServer.StartAsync(
///     new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "example:1" },
///     new ContractChaincode(new AssetContract()));
/// Console.WriteLine(server.Address); // 127.0.0.1:&lt;port&gt;
/// </code>
/// </example>
public sealed class ChaincodeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ChaincodeConnections _connections;
    private int _stopped;

    private ChaincodeServer(WebApplication app, ChaincodeConnections connections, string address)
    {
        _app = app;
        _connections = connections;
        Address = address;
    }

    /// <summary>The address the server listens on, <c>host:port</c>, with the real port when 0 was asked for.</summary>
    public string Address { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => int.Parse(Address[(Address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>How many peer streams are connected and past the handshake.</summary>
    public int ConnectedPeers => _connections.Count;

    /// <summary>Starts a server for a chaincode.</summary>
    /// <param name="options">Where to listen, the chaincode ID and TLS.</param>
    /// <param name="chaincode">The chaincode (usually a <see cref="ContractChaincode"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server.</returns>
    public static async Task<ChaincodeServer> StartAsync(ChaincodeServerOptions options, IChaincode chaincode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ChaincodeId, nameof(options.ChaincodeId));
        var endpoint = await ParseEndpointAsync(options.Address, cancellationToken).ConfigureAwait(false);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxMessageSize;
            grpc.MaxSendMessageSize = options.MaxMessageSize;
            grpc.EnableDetailedErrors = false;
        });
        var connections = new ChaincodeConnections();
        builder.Services.AddSingleton(connections);
        builder.Services.AddSingleton(new ChaincodeServiceSettings(options.ChaincodeId, chaincode));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAliveInterval ?? Timeout.InfiniteTimeSpan;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAliveInterval is null ? Timeout.InfiniteTimeSpan : options.KeepAliveTimeout;
            kestrel.Listen(endpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.Tls is { } tls)
                {
                    ConfigureTls(listen, tls);
                }
            });
        });

        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<ChaincodeService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var address = bound is null ? options.Address : new Uri(bound).Authority;
        if (address.StartsWith("[::]", StringComparison.Ordinal) || address.StartsWith("0.0.0.0", StringComparison.Ordinal))
        {
            // Report the address as given (wildcard host) with the real port.
            address = $"{options.Address[..options.Address.LastIndexOf(':')]}:{new Uri(bound!).Port}";
        }

        return new ChaincodeServer(app, connections, address);
    }

    /// <summary>Starts a server on 127.0.0.1 with a free port: the convenient form for tests and local runs.</summary>
    /// <param name="chaincodeId">The chaincode ID to register with.</param>
    /// <param name="contracts">The contract instances (the first is the default).</param>
    /// <returns>The started server.</returns>
    public static Task<ChaincodeServer> StartLocalAsync(string chaincodeId, params IReadOnlyList<object> contracts) =>
        StartAsync(new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = chaincodeId }, new ContractChaincode(contracts));

    /// <summary>Waits until the server stops or the token is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task completing when the wait ends.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        return stopped.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops listening and closes peer streams (transactions in progress are abandoned).</summary>
    /// <param name="cancellationToken">Cuts the graceful part short.</param>
    /// <returns>A task completing when the server has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _connections.CloseAll();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Graceful stop timed out; the host has been torn down anyway.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void ConfigureTls(ListenOptions listen, ChaincodeTlsOptions tls)
    {
        var certificate = tls.LoadServerCertificate();
        var intermediates = tls.LoadIntermediates();
        var clientCas = tls.LoadClientCas();
        listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (intermediates.Count > 0)
            {
                https.ServerCertificateChain = intermediates;
            }

            https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            if (clientCas.Count == 0)
            {
                https.ClientCertificateMode = ClientCertificateMode.NoCertificate;
                return;
            }

            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (clientCertificate, _, _) => IsIssuedBy(clientCertificate, clientCas);
        });
    }

    private static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2Collection cas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Fabric's TLS CAs issue certificates for both server and client use; do not insist on the client-auth EKU.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreWrongUsage;
        return chain.Build(certificate);
    }

    private static async Task<IPEndPoint> ParseEndpointAsync(string address, CancellationToken cancellationToken)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"chaincode server address '{address}' must be host:port", nameof(address));
        }

        var host = address[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"chaincode server host '{host}' does not resolve", nameof(address));
        return new IPEndPoint(chosen, port);
    }
}
