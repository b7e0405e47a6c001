using System.Net;
using System.Text.Json.Nodes;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Roaming.Scenario;

/// <summary>
/// Settlement in RCB among three operators, A (Org1MSP), B (Org2MSP) and C (Org3MSP), told entirely through each
/// operator's own REST API. Statements come from the real roaming flow (agreement, usage batch, reconciliation, close,
/// co-sign) and are then paid, netted and disputed through <c>/v1/settlement</c>; RCB is minted by governance (A
/// proposes, B approves: two of the channel's three members). The same stories run on the dev network and on real
/// Fabric peers, where the ledger outlives a run: agreement IDs and TADIG codes carry <paramref name="tag"/>, and
/// balances are compared before and after, never as absolute figures. Usage is dated two calendar months back, so the
/// period has ended when it is closed.
/// </summary>
/// <param name="a">A's REST API, with a key holding roaming:read/submit and settlement:read/write.</param>
/// <param name="b">B's REST API, likewise.</param>
/// <param name="c">C's REST API, likewise.</param>
/// <param name="tag">Four upper-case letters or digits that make this run's names unique.</param>
internal sealed class SettlementScenario(HttpClient a, HttpClient b, HttpClient c, string tag)
{
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string OperatorC = "Org3MSP";

    private static readonly string[] Operators = [OperatorA, OperatorB, OperatorC];

    /// <summary>First day of the settled month: two calendar months before today.</summary>
    private static readonly DateOnly PeriodStart = MocLocalAgreements.RecentPeriodStart;

    /// <summary>The settled month, <c>yyyy-MM</c>.</summary>
    public static readonly string Period = PeriodStart.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The highest block height a write of this run answered with; reads wait until an API's read models reach it.</summary>
    private readonly WrittenBlocks _written = new();

    /// <summary>A fresh four-character tag.</summary>
    public static string NewTag() => Convert.ToHexString(Guid.NewGuid().ToByteArray())[..4];

    private string Tadig(string mspId) => mspId switch
    {
        OperatorA => $"A{tag}",
        OperatorB => $"B{tag}",
        _ => $"C{tag}",
    };

    private HttpClient Client(string mspId) => mspId switch
    {
        OperatorA => a,
        OperatorB => b,
        _ => c,
    };

    /// <summary>
    /// B's subscribers used A's network for 1,000; after the statement is co-signed, A may not pay it (403), B pays it
    /// in RCB and both see it settled, A's balance grew by the amount, B's credit history shows it, paying again is 409.
    /// </summary>
    public async Task PayStatementAsync()
    {
        var agreementId = $"PAY-{tag}";
        await MintAsync(OperatorB, 1_000_000);
        // Usage in A's network by B's subscribers: 10 minutes at 100/min: B owes A 1,000.
        await SignedStatementAsync(agreementId, visited: OperatorA, home: OperatorB, file: 1, minutes: 10);
        await CaughtUpAsync(a);
        var before = await BalanceAsync(a, OperatorA);

        var wrongSide = await a.PostJsonAsync($"/v1/settlement/statements/{agreementId}/{Period}/pay", new { });
        Assert.Equal(HttpStatusCode.Forbidden, wrongSide.Status);
        Assert.Equal("urn:restcomm:problem:settlement-forbidden", wrongSide.Text("type"));
        var paid = Written(await b.PostJsonAsync($"/v1/settlement/statements/{agreementId}/{Period}/pay", new { })).Expect(HttpStatusCode.OK);

        Assert.Equal(1_000, (long?)paid.Body["result"]!["tokenAmount"]);
        Assert.Equal("token", (string?)paid.Body["result"]!["method"]);
        Assert.True(paid.Number("blockHeight") > paid.Number("blockNumber"), "a write answers once the read model holds its block");
        foreach (var client in new[] { a, b })
        {
            await CaughtUpAsync(client);
            var seen = (await client.GetJsonAsync($"/v1/settlement/statements/{agreementId}/{Period}")).Expect(HttpStatusCode.OK);
            Assert.Equal("settled", (string?)seen.Body["item"]!["status"]);
            Assert.Equal(paid.Text("transactionId"), (string?)seen.Body["item"]!["payment"]!["txId"]);
            Assert.True(seen.Number("blockHeight") > paid.Number("blockNumber"));
            var roaming = (await client.GetJsonAsync($"/v1/roaming/statements/{agreementId}/{Period}")).Expect(HttpStatusCode.OK);
            Assert.Equal("settled", (string?)roaming.Body["state"]!["status"]);
        }

        var after = await BalanceAsync(a, OperatorA);
        Assert.Equal(before + 1_000, after);
        var history = (await a.GetJsonAsync($"/v1/settlement/payments?operator={OperatorB}")).Expect(HttpStatusCode.OK);
        Assert.Contains(history.Body["items"]!.AsArray(), p => (string?)p!["agreementId"] == agreementId && (string?)p["status"] == "settled");
        var again = await b.PostJsonAsync($"/v1/settlement/statements/{agreementId}/{Period}/pay", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("statement-settled", again.Text("code"));
    }

    /// <summary>
    /// B owes A 500, C owes B 300, A owes C 100; each statement is entered for netting by one of its parties; A proposes
    /// the period's round, which nets the three into at most two transfers (exactly), B and C approve and the last
    /// approval moves A +400, B −200, C −200 and settles all three statements in one transaction.
    /// </summary>
    public async Task NetThreeStatementsAsync()
    {
        foreach (var mspId in Operators)
        {
            await MintAsync(mspId, 100_000);
        }

        string[] agreements = [$"NETAB-{tag}", $"NETBC-{tag}", $"NETAC-{tag}"];
        // B owes A 500, C owes B 300, A owes C 100 (minutes at 100/min).
        await SignedStatementAsync(agreements[0], visited: OperatorA, home: OperatorB, file: 2, minutes: 5);
        await SignedStatementAsync(agreements[1], visited: OperatorB, home: OperatorC, file: 3, minutes: 3);
        await SignedStatementAsync(agreements[2], visited: OperatorC, home: OperatorA, file: 4, minutes: 1);
        await NetLeftoversAsync();
        Written(await a.PostJsonAsync($"/v1/settlement/statements/{agreements[0]}/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        Written(await b.PostJsonAsync($"/v1/settlement/statements/{agreements[1]}/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        Written(await c.PostJsonAsync($"/v1/settlement/statements/{agreements[2]}/{Period}/netting", new { })).Expect(HttpStatusCode.OK);
        await CaughtUpAsync(a);
        var balances = await BalancesAsync(a);

        var round = Written(await a.PostJsonAsync("/v1/settlement/nettings", new { period = Period })).Expect(HttpStatusCode.OK).Body["result"]!;
        var id = (string)round["nettingId"]!;
        Assert.Equal(agreements.Select(g => $"{g}/{Period}").Order(StringComparer.Ordinal), round["statements"]!.AsArray().Select(s => (string)s!));
        var transfers = round["transfers"]!.AsArray();
        Assert.True(transfers.Count <= 2, $"{transfers.Count} transfers");
        Assert.Equal("exact", (string?)round["method"]);
        Written(await b.PostJsonAsync($"/v1/settlement/nettings/{id}/approve", new { })).Expect(HttpStatusCode.OK);
        var executed = Written(await c.PostJsonAsync($"/v1/settlement/nettings/{id}/approve", new { })).Expect(HttpStatusCode.OK);

        Assert.Equal("executed", (string?)executed.Body["result"]!["status"]);
        await CaughtUpAsync(a);
        var after = await BalancesAsync(a);
        Assert.Equal((400L, -200L, -200L), (after[0] - balances[0], after[1] - balances[1], after[2] - balances[2]));
        foreach (var agreement in agreements)
        {
            var state = (await a.GetJsonAsync($"/v1/settlement/statements/{agreement}/{Period}")).Expect(HttpStatusCode.OK).Body["item"]!;
            Assert.Equal(("settled", "netting", id), ((string?)state["status"], (string?)state["payment"]!["method"], (string?)state["payment"]!["nettingId"]));
        }

        // Every entry of the round, on every member's account, is in the one executing transaction.
        foreach (var mspId in Operators)
        {
            var entries = (await a.GetJsonAsync($"/v1/settlement/accounts/{mspId}/entries?limit=20")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
            var netted = entries.Where(e => (string?)e!["kind"] == "netting" && (string?)e["reference"] == id).ToList();
            Assert.NotEmpty(netted);
            Assert.All(netted, e => Assert.Equal(executed.Text("transactionId"), (string?)e!["txId"]));
        }
    }

    /// <summary>
    /// A opens a dispute against B pledging 1,000; B draws the jurors: C, the only member other than the parties holding
    /// the voting fee, with a seed anyone recomputes from the two transaction IDs; C commits a sealed vote, reveals it
    /// after the commit deadline; resolving before the reveal deadline is refused (<c>reveal-open</c>), after it the
    /// claim is upheld and the pledge and the fee come back, so nobody's balance changed.
    /// </summary>
    /// <param name="voteSeconds">The commit and the reveal window, at least the chaincode's minimum.</param>
    public async Task DisputeAsync(int voteSeconds)
    {
        foreach (var mspId in Operators)
        {
            await MintAsync(mspId, 10_000);
        }

        await CaughtUpAsync(a);
        var before = await BalancesAsync(a);
        var opened = Written(await a.PostJsonAsync("/v1/settlement/disputes", new
        {
            subject = "member", respondent = OperatorB, claim = "late-payment-penalty", pledge = 1_000, commitSeconds = voteSeconds, revealSeconds = voteSeconds,
        })).Expect(HttpStatusCode.OK).Body["result"]!;
        var id = (string)opened["disputeId"]!;
        var drawn = Written(await b.PostJsonAsync($"/v1/settlement/disputes/{id}/draw", new { })).Expect(HttpStatusCode.OK).Body["result"]!;
        Assert.Equal([OperatorC], drawn["jurors"]!.AsArray().Select(j => (string)j!).ToList());
        Assert.Equal(JurorDraw.Seed(id, (string)drawn["drawTxId"]!), (string?)drawn["seed"]);

        Written(await c.PostJsonAsync($"/v1/settlement/disputes/{id}/commit", new { vote = "uphold", salt = "c-secret-0123456789" })).Expect(HttpStatusCode.OK);
        await PassedAsync(drawn["commitDeadline"]!);
        Written(await c.PostJsonAsync($"/v1/settlement/disputes/{id}/reveal", new { vote = "uphold", salt = "c-secret-0123456789" })).Expect(HttpStatusCode.OK);
        var early = await a.PostJsonAsync($"/v1/settlement/disputes/{id}/resolve", new { });
        Assert.Equal("reveal-open", early.Text("code"));
        await PassedAsync(drawn["revealDeadline"]!);
        var resolved = Written(await a.PostJsonAsync($"/v1/settlement/disputes/{id}/resolve", new { })).Expect(HttpStatusCode.OK).Body["result"]!;

        Assert.Equal("upheld", (string?)resolved["outcome"]);
        await CaughtUpAsync(a);
        var after = await BalancesAsync(a);
        // The requester's pledge came back and the juror's fee too: nobody is out of pocket in a unanimous vote.
        Assert.Equal(before, after);
        await CaughtUpAsync(b);
        var seenByB = (await b.GetJsonAsync($"/v1/settlement/disputes/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(id, (string?)seenByB.Body["item"]!["disputeId"]);
    }

    /// <summary>Waits until the instant <paramref name="deadline"/> (a dispute's, on the transactions' clock) is half a second past.</summary>
    private static async Task PassedAsync(JsonNode deadline)
    {
        var wait = deadline.GetValue<DateTimeOffset>() - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(0.5);
        Assert.True(wait < Rest.RequestTimeout, $"the deadline {deadline} is {wait} away");
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>
    /// A round takes every statement of the period entered and not yet netted. On a ledger kept from an earlier run that
    /// stopped between entering its statements and executing their round, those would join this run's round: net them
    /// away first (all of them are this scenario's, owed among A, B and C, who approve). A clean ledger answers 409
    /// <c>nothing-to-net</c> and commits nothing.
    /// </summary>
    private async Task NetLeftoversAsync()
    {
        var leftover = await a.PostJsonAsync("/v1/settlement/nettings", new { period = Period });
        if (leftover.Status == HttpStatusCode.Conflict && (string?)leftover.Body["code"] == "nothing-to-net")
        {
            return;
        }

        var round = Written(leftover).Expect(HttpStatusCode.OK).Body["result"]!;
        var approvals = round["approvals"]!.AsArray().Select(m => (string)m!).ToHashSet(StringComparer.Ordinal);
        var last = leftover;
        foreach (var member in round["members"]!.AsArray().Select(m => (string)m!).Where(m => !approvals.Contains(m)))
        {
            last = Written(await Client(member).PostJsonAsync($"/v1/settlement/nettings/{(string)round["nettingId"]!}/approve", new { })).Expect(HttpStatusCode.OK);
        }

        Assert.Equal("executed", (string?)last.Body["result"]!["status"]);
    }

    private static async Task<long> BalanceAsync(HttpClient client, string mspId)
        => (await client.GetJsonAsync($"/v1/settlement/accounts/{mspId}")).Expect(HttpStatusCode.OK).Body["item"]!["balance"]!.GetValue<long>();

    /// <summary>A's, B's and C's balances, in that order.</summary>
    private static async Task<long[]> BalancesAsync(HttpClient client)
    {
        var result = new long[Operators.Length];
        for (var i = 0; i < Operators.Length; i++)
        {
            result[i] = await BalanceAsync(client, Operators[i]);
        }

        return result;
    }

    /// <summary>Mints through governance: A proposes, B approves (two of the channel's three members).</summary>
    private async Task MintAsync(string account, long amount)
    {
        var proposal = Written(await a.PostJsonAsync("/v1/settlement/proposals", new { kind = "mint", account, amount, reason = "allocation" })).Expect(HttpStatusCode.OK);
        var approved = Written(await b.PostJsonAsync($"/v1/settlement/proposals/{(string?)proposal.Body["result"]!["proposalId"]}/approve", new { })).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", (string?)approved.Body["result"]!["status"]);
    }

    /// <summary>
    /// The roaming flow for one direction: <paramref name="visited"/> proposes an agreement (MOC local 100/min, 2
    /// decimals, 15+15), the home operator accepts; the visited operator submits <paramref name="minutes"/> one-minute
    /// calls; the home operator accepts the batch; the visited operator closes the period, the home operator co-signs.
    /// </summary>
    private async Task SignedStatementAsync(string agreementId, string visited, string home, int file, int minutes)
    {
        var v = Client(visited);
        var h = Client(home);
        var document = MocLocalAgreements.Between(agreementId, new AgreementParty { MspId = visited, Tadigs = [Tadig(visited)] },
            new AgreementParty { MspId = home, Tadigs = [Tadig(home)] }, priceInA: 100, priceInB: 100, PeriodStart, decimalPlaces: 2);
        var proposed = Written(await v.PostJsonAsync("/v1/roaming/agreements", document)).Expect(HttpStatusCode.Created);
        Written(await h.PostJsonAsync($"/v1/roaming/agreements/{agreementId}/accept", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);
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
        var fileId = FileId.Format(Tadig(visited), Tadig(home), file);
        Written(await v.PostJsonAsync("/v1/roaming/batches", new
        {
            agreementId, senderTadig = Tadig(visited), recipientTadig = Tadig(home), fileSequenceNumber = file, batchNumber = 1, period = Period, decimalPlaces = 2, records,
        })).Expect(HttpStatusCode.Created);
        Written(await h.PostJsonAsync($"/v1/roaming/batches/{fileId}/1/accept", new { })).Expect(HttpStatusCode.OK);
        var closed = Written(await v.PostJsonAsync("/v1/roaming/statements", new { agreementId, period = Period })).Expect(HttpStatusCode.Created);
        Assert.Equal(minutes * 100L, (long?)closed.Body["statement"]!["netMinor"]);
        Written(await h.PostJsonAsync($"/v1/roaming/statements/{agreementId}/{Period}/sign", new { statementHash = (string?)closed.Body["state"]!["statementHash"] })).Expect(HttpStatusCode.OK);
    }

    /// <summary>Notes the block a write answer names, so later reads can wait for it.</summary>
    private Answer Written(Answer answer) => _written.Note(answer);

    /// <summary>Waits until <paramref name="api"/>'s settlement and roaming read models hold every block this run wrote.</summary>
    private Task CaughtUpAsync(HttpClient api) => _written.CaughtUpAsync(async () =>
    {
        var settlement = (await api.GetJsonAsync("/v1/settlement/token")).Expect(HttpStatusCode.OK).Number("blockHeight");
        var roaming = (await api.GetJsonAsync("/v1/roaming/batches?limit=1")).Expect(HttpStatusCode.OK).Number("blockHeight");
        return (Math.Min(settlement, roaming), $"{settlement} (settlement) and {roaming} (roaming)");
    });
}
