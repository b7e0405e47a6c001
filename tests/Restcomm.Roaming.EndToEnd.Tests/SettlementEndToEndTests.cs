using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Roaming.Scenario;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// Settlement in RCB as the operators run it on <c>make run</c>: every call is HTTP to an operator's own REST API.
/// Statements are produced by the real roaming flow (agreement, usage batch, reconciliation, close, co-sign), then paid,
/// netted and disputed through <c>/v1/settlement</c>. The stories themselves (<see cref="SettlementScenario"/>) also
/// run on real Fabric peers (tests/Restcomm.RealFabric.Tests).
/// </summary>
public sealed class SettlementEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    /// <summary>The dispute's commit and reveal windows: the dev network's chaincode allows windows of a second.</summary>
    private const int VoteSeconds = 3;

    [Fact]
    public async Task A_co_signed_statement_paid_in_RCB_through_the_REST_API_is_settled_for_both_operators()
    {
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        using var c = network.C.Client(network.KeyC);

        await new SettlementScenario(a, b, c, SettlementScenario.NewTag()).PayStatementAsync();
    }

    [Fact]
    public async Task Three_operators_statements_net_into_at_most_two_transfers_executed_atomically_once_all_approve()
    {
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        using var c = network.C.Client(network.KeyC);

        await new SettlementScenario(a, b, c, SettlementScenario.NewTag()).NetThreeStatementsAsync();
    }

    [Fact]
    public async Task A_dispute_is_opened_drawn_voted_in_secret_and_resolved_with_the_payouts_of_the_rules()
    {
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        using var c = network.C.Client(network.KeyC);

        await new SettlementScenario(a, b, c, SettlementScenario.NewTag()).DisputeAsync(VoteSeconds);
    }
}
