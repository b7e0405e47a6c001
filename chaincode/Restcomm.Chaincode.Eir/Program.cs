using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Restcomm.Chaincode.Eir;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Fabric.Shim;

// The eir chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7202 on the dev network),
// registers as CORE_CHAINCODE_ID_NAME and serves the `eir` channel. EIR_READONLY_MSPS (default RegulatorMSP)
// lists organisations that may read but never write.
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
}));
var logger = loggerFactory.CreateLogger("Restcomm.Chaincode.Eir");

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

var chaincode = EirChaincode.Create(EirPolicy.FromEnvironment());
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
