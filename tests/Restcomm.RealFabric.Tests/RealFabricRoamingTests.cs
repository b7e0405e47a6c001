using Restcomm.Roaming.Scenario;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// Roaming clearing on real Fabric peers: the roaming chaincode deployed by <c>network.sh up</c> as a service on
/// <c>roaming-emea</c>, with its pairwise collections, and the REST APIs of operators A, B and C as processes. The story
/// is the one the dev network's end-to-end suite tells (<see cref="RoamingClearingScenario"/>).
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricRoamingTests(FabricNetworkFixture network)
{
    [SkippableFact]
    public async Task A_and_B_settle_a_month_with_a_tiered_discount_and_a_net_while_C_sees_only_public_headers()
    {
        network.Require();
        var apis = await Task.WhenAll(RestApiProcess.StartAsync("Org1MSP"), RestApiProcess.StartAsync("Org2MSP"), RestApiProcess.StartAsync("Org3MSP"));
        try
        {
            using var a = apis[0].Client();
            using var b = apis[1].Client();
            using var c = apis[2].Client();

            await new RoamingClearingScenario(a, b, c, RoamingClearingScenario.NewTag()).RunAsync();
        }
        finally
        {
            foreach (var api in apis)
            {
                await api.DisposeAsync();
            }
        }
    }
}
