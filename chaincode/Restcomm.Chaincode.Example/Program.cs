using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Restcomm.Chaincode.Example;
using Restcomm.Fabric.Shim;

// The example chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS, registers as CORE_CHAINCODE_ID_NAME
// (TLS from CORE_PEER_TLS_ENABLED and friends, see chaincode/README.md) and serves every channel the peer sends.
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
}));
var logger = loggerFactory.CreateLogger("Restcomm.Chaincode.Example");

ChaincodeServerOptions options;
try
{
    options = ChaincodeServerOptions.FromEnvironment();
}
catch (Exception e) when (e is InvalidOperationException or IOException or FormatException)
{
    logger.LogError("Cannot start: {Reason}", e.Message);
    return 2;
}

options.LoggerFactory = loggerFactory;
using var shutdown = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    shutdown.Cancel();
});
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    shutdown.Cancel();
});

var chaincode = new ContractChaincode(new ContractChaincodeOptions { Title = "example", Version = "1.0.0" }, new AssetContract());
await using var server = await ChaincodeServer.StartAsync(options, chaincode, shutdown.Token);
logger.LogInformation("Chaincode {ChaincodeId} listening on {Address} (TLS {Tls})", options.ChaincodeId, server.Address, options.Tls is null ? "off" : "on");
try
{
    await server.WaitForShutdownAsync(shutdown.Token);
}
catch (OperationCanceledException)
{
    // SIGTERM or Ctrl+C.
}

logger.LogInformation("Stopping");
return 0;
