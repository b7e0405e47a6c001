using Restcomm.Gateway.Api;

// One instance per organisation: `dotnet run --project gateway/Restcomm.Gateway.Api -- --Gateway:MspId=Org1MSP --urls=http://127.0.0.1:8080`.
try
{
    var app = await GatewayHost.BuildAsync(args, CancellationToken.None).ConfigureAwait(false);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // A host that cannot start (a port another process listens on, settings that name no identity, a store it cannot
    // open) says why in one line and exits 1, instead of aborting with a stack trace; the log has the details.
    await Console.Error.WriteLineAsync($"restcomm api: cannot start: {GatewayHost.DescribeStartupFailure(e)}").ConfigureAwait(false);
    return 1;
}

/// <summary>Entry point; public so that tests can host the app in memory.</summary>
public partial class Program;
