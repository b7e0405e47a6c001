using Restcomm.Roaming.Scenario;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// Settlement in RCB on real Fabric peers: the roaming chaincode's settlement contract as <c>network.sh up</c> deploys it
/// on <c>roaming-emea</c> (its members, who vote on minting and are drawn as jurors, from <c>SETTLEMENT_MEMBER_MSPS</c>
/// = Org1MSP–Org3MSP; vote windows from <c>SETTLEMENT_MIN_VOTE_SECONDS</c> up), and the REST APIs of operators A, B and
/// C as processes. The stories are the ones the dev network's end-to-end suite tells (<see cref="SettlementScenario"/>),
/// with names unique to the run and balances compared before and after, as the network may hold earlier runs.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricSettlementTests(FabricNetworkFixture network)
{
    /// <summary>
    /// The dispute's commit and reveal windows. Each write waits for its block and the API's read model (a second or two
    /// on a busy machine), so a juror's commitment must fit between the draw and the commit deadline with room to spare.
    /// </summary>
    private const int VoteSeconds = 15;

    [SkippableFact]
    public Task A_co_signed_statement_paid_in_RCB_through_the_REST_API_is_settled_for_both_operators()
        => RunAsync(scenario => scenario.PayStatementAsync());

    [SkippableFact]
    public Task Three_operators_statements_net_into_at_most_two_transfers_executed_atomically_once_all_approve()
        => RunAsync(scenario => scenario.NetThreeStatementsAsync());

    [SkippableFact]
    public Task A_dispute_is_opened_drawn_voted_in_secret_and_resolved_with_the_payouts_of_the_rules()
        => RunAsync(scenario => scenario.DisputeAsync(VoteSeconds));

    /// <summary>Starts A's, B's and C's REST APIs and runs <paramref name="story"/> through them with a fresh tag.</summary>
    private async Task RunAsync(Func<SettlementScenario, Task> story)
    {
        network.Require();
        await using var apis = await RestApiProcesses.StartAsync("Org1MSP", "Org2MSP", "Org3MSP");
        using var a = apis[0].Client();
        using var b = apis[1].Client();
        using var c = apis[2].Client();

        await story(new SettlementScenario(a, b, c, SettlementScenario.NewTag()));
    }
}
