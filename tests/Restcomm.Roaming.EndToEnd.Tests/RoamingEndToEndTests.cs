using System.Net;
using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Roaming.Scenario;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// Roaming clearing as two operators run it on <c>make run</c>, with a third on the same channel: every call is HTTP to
/// an operator's own REST API, which signs with its organisation's identity, submits through the gateway client to the
/// dev network (endorsed by the pair) and answers reads from its own projection of the channel's blocks. The story itself
/// (<see cref="RoamingClearingScenario"/>) also runs on real Fabric peers (tests/Restcomm.RealFabric.Tests).
/// </summary>
public sealed class RoamingEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    private HttpClient A => network.A.Client(network.KeyA);

    private HttpClient B => network.B.Client(network.KeyB);

    private HttpClient C => network.C.Client(network.KeyC);

    [Fact]
    public async Task A_and_B_settle_a_month_with_a_tiered_discount_and_a_net_while_C_sees_only_public_headers()
    {
        using var a = A;
        using var b = B;
        using var c = C;

        await new RoamingClearingScenario(a, b, c, RoamingClearingScenario.NewTag()).RunAsync();
    }

    [Fact]
    public async Task A_batch_for_an_agreement_nobody_made_is_a_404_and_a_malformed_period_a_400_that_reach_no_ledger()
    {
        using var a = A;
        var height = network.LedgerHeight;

        var month = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 10, 9, 0, 0, TimeSpan.Zero).AddMonths(-2);
        var record = new UsageRecord
        {
            Service = RoamingService.MocLocal,
            EventTimeUtc = month,
            Quantity = 60,
            ChargeMinor = 120,
            DecimalPlaces = 3,
            TapRecordSha256 = UsageRecord.TapHash([1, 2, 3]),
            Imsi = "234150000000001",
            CallReference = "call-1",
        };
        var batch = new
        {
            agreementId = "NO-SUCH", senderTadig = "AAAA1", recipientTadig = "BBBB2", fileSequenceNumber = 90, batchNumber = 1,
            period = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), decimalPlaces = 3,
            records = new[] { record },
        };

        var unknown = await a.PostJsonAsync("/v1/roaming/batches", batch);
        var malformed = await a.PostJsonAsync("/v1/roaming/statements", new { agreementId = "AB-E2E-1", period = "2025-13" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("urn:restcomm:problem:roaming-not-found", unknown.Text("type"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal("urn:restcomm:problem:roaming-invalid", malformed.Text("type"));
        Assert.Equal(height, network.LedgerHeight);
    }
}
