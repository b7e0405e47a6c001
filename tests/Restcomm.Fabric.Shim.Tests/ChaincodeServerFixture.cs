using Restcomm.Chaincode.Example;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>One chaincode server (example contract as default, plus the probe contract) shared by a test class.</summary>
public sealed class ChaincodeServerFixture : IAsyncLifetime
{
    public const string ChaincodeId = "example:0123456789abcdef";

    public ChaincodeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ChaincodeServer.StartLocalAsync(ChaincodeId, new AssetContract(), new ProbeContract()).WaitAsync(TestPeer.Timeout);

    public async Task DisposeAsync() => await Server.DisposeAsync().AsTask().WaitAsync(TestPeer.Timeout);
}
