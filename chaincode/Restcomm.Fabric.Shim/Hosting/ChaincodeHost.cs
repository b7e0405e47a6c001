using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// The <c>Main</c> of a chaincode-as-a-service process: reads the Fabric shim variables
/// (<c>CHAINCODE_SERVER_ADDRESS</c>, <c>CORE_CHAINCODE_ID_NAME</c>, TLS files), serves the chaincode until
/// SIGTERM or Ctrl-C, and logs to the console.
/// </summary>
public static class ChaincodeHost
{
    /// <summary>Runs a chaincode server in the foreground and returns the process exit code.</summary>
    /// <param name="name">The name the host logs under, e.g. <c>Restcomm.Chaincode.Eir</c>.</param>
    /// <param name="createChaincode">Builds the chaincode once the configuration has been read.</param>
    /// <returns>0 after a clean shutdown; 2 when the configuration is missing or invalid.</returns>
    public static async Task<int> RunAsync(string name, Func<IChaincode> createChaincode)
    {
        ArgumentNullException.ThrowIfNull(createChaincode);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        }));
        var logger = loggerFactory.CreateLogger(name);

        ChaincodeServerOptions options;
        IChaincode chaincode;
        try
        {
            options = ChaincodeServerOptions.FromEnvironment();
            chaincode = createChaincode();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or FormatException or ArgumentException)
        {
            logger.LogError("Cannot start: {Reason}", e.Message);
            return 2;
        }

        options.LoggerFactory = loggerFactory;
        using var shutdown = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        await using var server = await ChaincodeServer.StartAsync(options, chaincode, shutdown.Token).ConfigureAwait(false);
        logger.LogInformation("Chaincode {ChaincodeId} listening on {Address} (TLS {Tls})", options.ChaincodeId, server.Address, options.Tls is null ? "off" : "on");
        try
        {
            await server.WaitForShutdownAsync(shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl-C.
        }

        logger.LogInformation("Stopping");
        return 0;
    }
}
