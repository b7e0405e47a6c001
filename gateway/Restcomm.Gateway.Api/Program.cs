using Restcomm.Gateway.Api;

// One instance per organisation: `dotnet run --project gateway/Restcomm.Gateway.Api -- --Gateway:MspId=Org1MSP --urls=http://127.0.0.1:8080`.
var app = await GatewayHost.BuildAsync(args, CancellationToken.None).ConfigureAwait(false);
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point; public so that tests can host the app in memory.</summary>
public partial class Program;
