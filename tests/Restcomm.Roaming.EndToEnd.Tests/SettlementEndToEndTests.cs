using System.Globalization;
using System.Net;
using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Roaming.Scenario;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// Settlement in RCB as the operators run it on <c>make run</c>: every call is HTTP to an operator's own REST API.
/// Statements are produced by the real roaming flow (agreement, usage batch, reconciliation, close, co-sign), then paid,
/// netted and disputed through <c>/v1/settlement</c>.
/// </summary>
public sealed class SettlementEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    private static readonly DateOnly PeriodStart = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-2);

    private static readonly string Period = PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static readonly Dictionary<string, string> Tadigs = new() { ["Org1MSP"] = "AAAA1", ["Org2MSP"] = "BBBB2", ["Org3MSP"] = "CCCC3" };

    private HttpClient Client(string mspId) => mspId switch
    {
        RoamingNetwork.OperatorA => network.A.Client(network.KeyA),
        RoamingNetwork.OperatorB => network.B.Client(network.KeyB),
        _ => network.C.Client(network.KeyC),
    };

    private OperatorApi Api(string mspId) => mspId switch
    {
        RoamingNetwork.OperatorA => network.A,
        RoamingNetwork.OperatorB => network.B,
        _ => network.C,
    };

    [Fact]
    public async Task A_co_signed_statement_paid_in_RCB_through_the_REST_API_is_settled_for_both_operators()
    {
        using var a = Client(RoamingNetwork.OperatorA);
        using var b = Client(RoamingNetwork.OperatorB);
        await MintAsync(RoamingNetwork.OperatorB, 1_000_000);
        // Usage in A's network by B's subscribers: 10 minutes at 100/min: B owes A 1,000.
        await SignedStatementAsync("PAY-AB", visited: RoamingNetwork.OperatorA, home: RoamingNetwork.OperatorB, file: 1, minutes: 10);
        var before = (await a.GetJsonAsync("/v1/settlement/accounts/Org1MSP")).Expect(HttpStatusCode.OK).Body["item"]!["balance"]!.GetValue<long>();

        var wrongSide = await a.PostJsonAsync($"/v1/settlement/statements/PAY-AB/{Period}/pay", new { });
        Assert.Equal(HttpStatusCode.Forbidden, wrongSide.Status);
        Assert.Equal("urn:restcomm:problem:settlement-forbidden", wrongSide.Text("type"));
        var paid = (await b.PostJsonAsync($"/v1/settlement/statements/PAY-AB/{Period}/pay", new { })).Expect(HttpStatusCode.OK);

        Assert.Equal(1_000, (long?)paid.Body["result"]!["tokenAmount"]);
        Assert.Equal("token", (string?)paid.Body["result"]!["method"]);
        Assert.True(paid.Number("blockHeight") > paid.Number("blockNumber"), "a write answers once the read model holds its block");
        foreach (var mspId in new[] { RoamingNetwork.OperatorA, RoamingNetwork.OperatorB })
        {
            await Api(mspId).CaughtUpAsync(network.LedgerHeight);
            using var client = Client(mspId);
            var seen = (await client.GetJsonAsync($"/v1/settlement/statements/PAY-AB/{Period}")).Expect(HttpStatusCode.OK);
            Assert.Equal("settled", (string?)seen.Body["item"]!["status"]);
            Assert.Equal(paid.Text("transactionId"), (string?)seen.Body["item"]!["payment"]!["txId"]);
            Assert.True(seen.Number("blockHeight") > paid.Number("blockNumber"));
            var roaming = (await client.GetJsonAsync($"/v1/roaming/statements/PAY-AB/{Period}")).Expect(HttpStatusCode.OK);
            Assert.Equal("settled", (string?)roaming.Body["state"]!["status"]);
        }

        await network.A.SettlementCaughtUpAsync(network.LedgerHeight);
        var after = (await a.GetJsonAsync("/v1/settlement/accounts/Org1MSP")).Expect(HttpStatusCode.OK).Body["item"]!["balance"]!.GetValue<long>();
        Assert.Equal(before + 1_000, after);
        var history = (await a.GetJsonAsync("/v1/settlement/payments?operator=Org2MSP")).Expect(HttpStatusCode.OK);
        Assert.Contains(history.Body["items"]!.AsArray(), p => (string?)p!["agreementId"] == "PAY-AB" && (string?)p["status"] == "settled");
        var again = await b.PostJsonAsync($"/v1/settlement/statements/PAY-AB/{Period}/pay", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("statement-settled", again.Text("code"));
    }

    [Fact]
    public async Task Three_operators_statements_net_into_at_most_two_transfers_executed_atomically_once_all_approve()
    {
        foreach (var mspId in Tadigs.Keys)
        {
            await MintAsync(mspId, 100_000);
        }

        // B owes A 500, C owes B 300, A owes C 100 (minutes at 100/min).
        await SignedStatementAsync("NET-AB", visited: RoamingNetwork.OperatorA, home: RoamingNetwork.OperatorB, file: 2, minutes: 5);
        await SignedStatementAsync("NET-BC", visited: RoamingNetwork.OperatorB, home: RoamingNetwork.OperatorC, file: 3, minutes: 3);
        await SignedStatementAsync("NET-AC", visited: RoamingNetwork.OperatorC, home: RoamingNetwork.OperatorA, file: 4, minutes: 1);
        using var a = Client(RoamingNetwork.OperatorA);
        using var b = Client(RoamingNetwork.OperatorB);
        using var c = Client(RoamingNetwork.OperatorC);
        (await a.PostJsonAsync($"/v1/settlement/statements/NET-AB/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        (await b.PostJsonAsync($"/v1/settlement/statements/NET-BC/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        (await c.PostJsonAsync($"/v1/settlement/statements/NET-AC/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        await network.A.SettlementCaughtUpAsync(network.LedgerHeight);
        var balances = await BalancesAsync(a);

        var round = (await a.PostJsonAsync("/v1/settlement/nettings", new { period = Period })).Expect(HttpStatusCode.OK).Body["result"]!;
        var id = (string)round["nettingId"]!;
        var transfers = round["transfers"]!.AsArray();
        Assert.True(transfers.Count <= 2, $"{transfers.Count} transfers");
        Assert.Equal("exact", (string?)round["method"]);
        (await b.PostJsonAsync($"/v1/settlement/nettings/{id}/approve", new { })).Expect(HttpStatusCode.OK);
        var executed = (await c.PostJsonAsync($"/v1/settlement/nettings/{id}/approve", new { })).Expect(HttpStatusCode.OK);

        Assert.Equal("executed", (string?)executed.Body["result"]!["status"]);
        await network.A.SettlementCaughtUpAsync(network.LedgerHeight);
        await network.A.CaughtUpAsync(network.LedgerHeight);
        var after = await BalancesAsync(a);
        Assert.Equal((400L, -200L, -200L), (after[0] - balances[0], after[1] - balances[1], after[2] - balances[2]));
        foreach (var agreement in new[] { "NET-AB", "NET-BC", "NET-AC" })
        {
            var state = (await a.GetJsonAsync($"/v1/settlement/statements/{agreement}/{Period}")).Expect(HttpStatusCode.OK).Body["item"]!;
            Assert.Equal(("settled", "netting", id), ((string?)state["status"], (string?)state["payment"]!["method"], (string?)state["payment"]!["nettingId"]));
        }

        // Every entry of the round is in one transaction.
        var entries = (await a.GetJsonAsync("/v1/settlement/accounts/Org1MSP/entries?limit=10")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.All(entries.Where(e => (string?)e!["kind"] == "netting"), e => Assert.Equal(executed.Text("transactionId"), (string?)e!["txId"]));
    }

    [Fact]
    public async Task A_dispute_is_opened_drawn_voted_in_secret_and_resolved_with_the_payouts_of_the_rules()
    {
        foreach (var mspId in Tadigs.Keys)
        {
            await MintAsync(mspId, 10_000);
        }

        using var a = Client(RoamingNetwork.OperatorA);
        using var b = Client(RoamingNetwork.OperatorB);
        using var c = Client(RoamingNetwork.OperatorC);
        await network.A.SettlementCaughtUpAsync(network.LedgerHeight);
        var before = await BalancesAsync(a);
        var opened = (await a.PostJsonAsync("/v1/settlement/disputes", new
        {
            subject = "member", respondent = "Org2MSP", claim = "late-payment-penalty", pledge = 1_000, commitSeconds = 3, revealSeconds = 3,
        })).Expect(HttpStatusCode.OK).Body["result"]!;
        var id = (string)opened["disputeId"]!;
        var drawn = (await b.PostJsonAsync($"/v1/settlement/disputes/{id}/draw", new { })).Expect(HttpStatusCode.OK).Body["result"]!;
        Assert.Equal(["Org3MSP"], drawn["jurors"]!.AsArray().Select(j => (string)j!).ToList());
        Assert.Equal(Restcomm.Roaming.Settlement.JurorDraw.Seed(id, (string)drawn["drawTxId"]!), (string?)drawn["seed"]);

        (await c.PostJsonAsync($"/v1/settlement/disputes/{id}/commit", new { vote = "uphold", salt = "c-secret-0123456789" })).Expect(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        (await c.PostJsonAsync($"/v1/settlement/disputes/{id}/reveal", new { vote = "uphold", salt = "c-secret-0123456789" })).Expect(HttpStatusCode.OK);
        var early = await a.PostJsonAsync($"/v1/settlement/disputes/{id}/resolve", new { });
        Assert.Equal("reveal-open", early.Text("code"));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var resolved = (await a.PostJsonAsync($"/v1/settlement/disputes/{id}/resolve", new { })).Expect(HttpStatusCode.OK).Body["result"]!;

        Assert.Equal("upheld", (string?)resolved["outcome"]);
        await network.A.SettlementCaughtUpAsync(network.LedgerHeight);
        var after = await BalancesAsync(a);
        // The requester's pledge came back and the juror's fee too: nobody is out of pocket in a unanimous vote.
        Assert.Equal(before, after);
        var seenByB = (await b.GetJsonAsync($"/v1/settlement/disputes/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(id, (string?)seenByB.Body["item"]!["disputeId"]);
    }

    private static async Task<long[]> BalancesAsync(HttpClient client)
    {
        var result = new long[3];
        var i = 0;
        foreach (var mspId in Tadigs.Keys)
        {
            result[i++] = (await client.GetJsonAsync($"/v1/settlement/accounts/{mspId}")).Expect(HttpStatusCode.OK).Body["item"]!["balance"]!.GetValue<long>();
        }

        return result;
    }

    /// <summary>Mints through governance: A proposes, B approves (two of the channel's three members).</summary>
    private async Task MintAsync(string account, long amount)
    {
        using var a = Client(RoamingNetwork.OperatorA);
        using var b = Client(RoamingNetwork.OperatorB);
        var proposal = (await a.PostJsonAsync("/v1/settlement/proposals", new { kind = "mint", account, amount, reason = "allocation" })).Expect(HttpStatusCode.OK);
        var approved = (await b.PostJsonAsync($"/v1/settlement/proposals/{(string?)proposal.Body["result"]!["proposalId"]}/approve", new { })).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", (string?)approved.Body["result"]!["status"]);
    }

    /// <summary>
    /// The roaming flow for one direction: <paramref name="visited"/> proposes an agreement (MOC local 100/min, 2
    /// decimals, 15+15), the home operator accepts; the visited operator submits <paramref name="minutes"/> one-minute
    /// calls; the home operator accepts the batch; the visited operator closes the period, the home operator co-signs.
    /// </summary>
    private async Task SignedStatementAsync(string agreementId, string visited, string home, int file, int minutes)
    {
        using var v = Client(visited);
        using var h = Client(home);
        var document = new AgreementDocument
        {
            AgreementId = agreementId,
            PartyA = new AgreementParty { MspId = visited, Tadigs = [Tadigs[visited]] },
            PartyB = new AgreementParty { MspId = home, Tadigs = [Tadigs[home]] },
            ValidFrom = PeriodStart.AddYears(-1),
            ValidTo = PeriodStart.AddYears(2),
            Currency = "SDR",
            DecimalPlaces = 2,
            LocalCurrencies = ["EUR"],
            ExchangeRateSource = "IMF SDR daily",
            PaymentTerms = "15+15",
            Directions =
            [
                new DirectionTerms { VisitedMspId = visited, Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }] },
                new DirectionTerms { VisitedMspId = home, Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }] },
            ],
        };
        var proposed = (await v.PostJsonAsync("/v1/roaming/agreements", document)).Expect(HttpStatusCode.Created);
        (await h.PostJsonAsync($"/v1/roaming/agreements/{agreementId}/accept", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);
        var records = Enumerable.Range(0, minutes).Select(n => new UsageRecord
        {
            Service = RoamingService.MocLocal,
            EventTimeUtc = new DateTimeOffset(PeriodStart.Year, PeriodStart.Month, 12, 9, 0, 0, TimeSpan.Zero).AddMinutes(n + (file * 100)),
            UtcOffsetMinutes = 60,
            Quantity = 60,
            ChargeMinor = 100,
            DecimalPlaces = 2,
            TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes((file * 1000L) + n)),
            Imsi = $"2341500000{file:D3}{n:D2}",
            Msisdn = $"44770090{file:D2}{n:D2}",
            CallReference = $"call-{agreementId}-{n}",
        }).ToArray();
        var fileId = FileId.Format(Tadigs[visited], Tadigs[home], file);
        (await v.PostJsonAsync("/v1/roaming/batches", new
        {
            agreementId, senderTadig = Tadigs[visited], recipientTadig = Tadigs[home], fileSequenceNumber = file, batchNumber = 1, period = Period, decimalPlaces = 2, records,
        })).Expect(HttpStatusCode.Created);
        (await h.PostJsonAsync($"/v1/roaming/batches/{fileId}/1/accept", new { })).Expect(HttpStatusCode.OK);
        var closed = (await v.PostJsonAsync("/v1/roaming/statements", new { agreementId, period = Period })).Expect(HttpStatusCode.Created);
        Assert.Equal(minutes * 100L, (long?)closed.Body["statement"]!["netMinor"]);
        (await h.PostJsonAsync($"/v1/roaming/statements/{agreementId}/{Period}/sign", new { statementHash = (string?)closed.Body["state"]!["statementHash"] })).Expect(HttpStatusCode.OK);
    }
}
