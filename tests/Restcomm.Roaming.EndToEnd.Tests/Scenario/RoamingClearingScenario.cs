using System.Net;
using Restcomm.Tap3;

namespace Restcomm.Roaming.Scenario;

/// <summary>
/// Roaming clearing between two operators, A (Org1MSP) and B (Org2MSP), with a third, C (Org3MSP), on the same
/// channel, told entirely through each operator's own REST API: an agreement with a tiered discount, usage batches both
/// ways, B's reconciliation with RAP rejections, the period statement with the discount and the bilateral net signed by
/// both, C seeing public headers only, and a Merkle proof of one record that C verifies against the public header. The
/// same story runs on the dev network and on real Fabric peers, so the names it uses (agreement, TADIG codes) come
/// from <paramref name="tag"/> and a rerun on a ledger that already holds an earlier run starts afresh. Usage is dated
/// two calendar months back, so the period has ended when it is closed.
/// </summary>
/// <param name="a">A's REST API, with a key holding roaming:read and roaming:submit.</param>
/// <param name="b">B's REST API, likewise.</param>
/// <param name="c">C's REST API, likewise.</param>
/// <param name="tag">Four upper-case letters or digits that make this run's names unique.</param>
internal sealed class RoamingClearingScenario(HttpClient a, HttpClient b, HttpClient c, string tag)
{
    private const string OperatorA = "Org1MSP";
    private const string OperatorB = "Org2MSP";

    /// <summary>First day of the settled month: two calendar months before today.</summary>
    private static readonly DateOnly PeriodStart = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-2);

    /// <summary>The settled month, <c>yyyy-MM</c>.</summary>
    public static readonly string Period = PeriodStart.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private readonly WrittenBlocks _written = new();

    /// <summary>The agreement A proposes and B accepts.</summary>
    public string AgreementId => $"AB-{tag}";

    private string TadigA => $"A{tag}";

    private string TadigB => $"B{tag}";

    /// <summary>A fresh four-character tag.</summary>
    public static string NewTag() => Convert.ToHexString(Guid.NewGuid().ToByteArray())[..4];

    public async Task RunAsync()
    {
        // Agreement: A proposes with the document in the body; B accepts naming its hash and reads the terms.
        var proposed = Written(await a.PostJsonAsync("/v1/roaming/agreements", Agreement())).Expect(HttpStatusCode.Created);
        Assert.Equal("proposed", (string?)proposed.Body["agreement"]!["status"]);
        var accepted = Written(await b.PostJsonAsync($"/v1/roaming/agreements/{AgreementId}/accept", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);
        Assert.Equal("active", (string?)accepted.Body["agreement"]!["status"]);
        Assert.True(accepted.Number("blockHeight") > accepted.Number("blockNumber"), "a write answers once the read model holds its block");
        var terms = (await b.GetJsonAsync($"/v1/roaming/agreements/{AgreementId}/document")).Expect(HttpStatusCode.OK);
        Assert.Equal("tieredLinear", (string?)terms.Body["document"]!["directions"]![0]!["discount"]!["kind"]);

        // Usage: A (visited) submits three batches for B's subscribers; B submits one for A's.
        var file1 = FileId.Format(TadigA, TadigB, 1);
        var file2 = FileId.Format(TadigA, TadigB, 2);
        var fileB = FileId.Format(TadigB, TadigA, 1);
        Written(await a.PostJsonAsync("/v1/roaming/batches", Batch(TadigA, TadigB, 1, 1, [Moc(300, 600, 0), Moc(300, 600, 1), Moc(300, 600, 2), Moc(300, 600, 3)]))).Expect(HttpStatusCode.Created);
        // The SMS is priced 55 where the agreement says 50: a finding for the home operator, not a refusal.
        var mispriced = Written(await a.PostJsonAsync("/v1/roaming/batches", Batch(TadigA, TadigB, 1, 2, [Moc(240, 480, 10), Moc(240, 480, 11), Moc(240, 480, 12), Sms(55, 13)]))).Expect(HttpStatusCode.Created);
        // The public state names the finding's code and records, no detail.
        const string publicFindings = """[{"code":"rate-mismatch","count":1,"records":"3"}]""";
        Assert.Equal(publicFindings, mispriced.Body["batch"]!["findings"]!.ToJsonString());
        var last = Written(await a.PostJsonAsync("/v1/roaming/batches", Batch(TadigA, TadigB, 2, 1, [Data(1_048_576, 2000, 20), Data(1_048_576, 2000, 21)]))).Expect(HttpStatusCode.Created);
        Assert.Equal("submitted", (string?)last.Body["batch"]!["status"]);
        Written(await b.PostJsonAsync("/v1/roaming/batches", Batch(TadigB, TadigA, 1, 1, [Moc(120, 200, 30), Moc(120, 200, 31)]))).Expect(HttpStatusCode.Created);
        var again = Written(await b.PostJsonAsync("/v1/roaming/batches", Batch(TadigB, TadigA, 1, 1, [Moc(120, 200, 30), Moc(120, 200, 31)]))).Expect(HttpStatusCode.OK);
        Assert.True((bool?)again.Body["alreadySubmitted"]);

        // Nothing can be closed while batches wait, and A cannot reconcile its own usage.
        var early = await a.PostJsonAsync("/v1/roaming/statements", new { agreementId = AgreementId, period = Period });
        Assert.Equal(HttpStatusCode.Conflict, early.Status);
        Assert.Equal("urn:restcomm:problem:roaming-failed-precondition", early.Text("type"));
        Assert.Equal("unreconciled-batches", early.Text("code"));
        var own = await a.PostJsonAsync($"/v1/roaming/batches/{file1}/1/accept", new { });
        Assert.Equal(HttpStatusCode.Forbidden, own.Status);
        Assert.Equal("urn:restcomm:problem:roaming-forbidden", own.Text("type"));

        // B lists the batches addressed to it, two per page, from its read model.
        await CaughtUpAsync(b);
        var page1 = (await b.GetJsonAsync($"/v1/roaming/batches?agreementId={AgreementId}&home=Org2MSP&period={Period}&limit=2")).Expect(HttpStatusCode.OK);
        var page2 = (await b.GetJsonAsync($"/v1/roaming/batches?agreementId={AgreementId}&home=Org2MSP&period={Period}&limit=2&cursor={Uri.EscapeDataString(page1.Text("nextCursor"))}")).Expect(HttpStatusCode.OK);
        var listed = page1.Body["items"]!.AsArray().Concat(page2.Body["items"]!.AsArray()).Select(i => $"{i!["fileId"]}/{i["header"]!["batchNumber"]}").ToList();
        Assert.Equal([$"{file1}/1", $"{file1}/2", $"{file2}/1"], listed);
        Assert.Null(page2.Body["nextCursor"]);
        Assert.True(page1.Number("blockHeight") >= last.Number("blockNumber") + 1);

        // B re-validates batch 2: the SMS is a rate mismatch (expected 50).
        var header = (await b.GetJsonAsync($"/v1/roaming/batches/{file1}/2")).Expect(HttpStatusCode.OK);
        Assert.Equal(publicFindings, header.Body["batch"]!["findings"]!.ToJsonString());
        var records = (await b.GetJsonAsync($"/v1/roaming/batches/{file1}/2/records")).Expect(HttpStatusCode.OK);
        Assert.Equal(4, records.Body["records"]!.AsArray().Count);
        var finding = Assert.Single(records.Body["findings"]!.AsArray());
        Assert.Equal(3, (int?)finding!["index"]);
        Assert.Equal("rate-mismatch", (string?)finding["code"]);
        Assert.Equal(50, (long?)finding["expectedChargeMinor"]);

        // B rejects two records with RAP error codes and accepts the rest; A accepts B's batch.
        Written(await b.PostJsonAsync($"/v1/roaming/batches/{file1}/1/rejections", new { rejections = new[] { new { index = 0, errorCode = 200, reason = "duplicate call" } } })).Expect(HttpStatusCode.OK);
        Written(await b.PostJsonAsync($"/v1/roaming/batches/{file1}/2/rejections", new { rejections = new[] { new { index = 3, errorCode = 34, reason = "charge not at the IOT" } } })).Expect(HttpStatusCode.OK);
        foreach (var (file, batch) in new[] { (file1, 1), (file1, 2), (file2, 1) })
        {
            var reconciled = Written(await b.PostJsonAsync($"/v1/roaming/batches/{file}/{batch}/accept", new { })).Expect(HttpStatusCode.OK);
            Assert.Equal("reconciled", (string?)reconciled.Body["batch"]!["status"]);
        }

        Written(await a.PostJsonAsync($"/v1/roaming/batches/{fileB}/1/accept", new { })).Expect(HttpStatusCode.OK);

        // The RAP 1.5 file of batch 1 returns the rejected call with its error code, from B to A.
        var rap = await b.GetJsonAsync($"/v1/roaming/batches/{file1}/1/rap");
        Assert.Equal(HttpStatusCode.OK, rap.Status);
        var returned = RapDecoder.Decode(rap.Bytes).ReturnBatch!;
        Assert.Equal(TadigB, returned.BatchControl.Sender);
        Assert.Equal(TadigA, returned.BatchControl.Recipient);
        var severe = Assert.IsType<RapSevereReturn>(Assert.Single(returned.Returns));
        Assert.Equal(200, Assert.Single(severe.Errors).ErrorCode);
        Assert.Equal("234150000000000", severe.CallEvent?.Imsi);

        // A closes the period, B co-signs it.
        var closed = Written(await a.PostJsonAsync("/v1/roaming/statements", new { agreementId = AgreementId, period = Period })).Expect(HttpStatusCode.Created);
        Assert.Equal("proposed", (string?)closed.Body["state"]!["status"]);
        var signed = Written(await b.PostJsonAsync($"/v1/roaming/statements/{AgreementId}/{Period}/sign", new { statementHash = (string?)closed.Body["state"]!["statementHash"] })).Expect(HttpStatusCode.OK);
        Assert.Equal("signed", (string?)signed.Body["state"]!["status"]);
        Assert.Equal("Org2MSP", (string?)signed.Body["state"]!["signedBy"]);

        // The statement: in A's network MOC local 1620 s accepted = 3240 at IOT; tiered linear 600 s at 120/min + 1020 s
        // at 60/min = 2220 (discount 1020), data 2 MB = 4000: payable 6220. In B's network 2 × 2 min at 100 = 400.
        // Net 5820, paid by B (its subscribers used more), due the period's last day + 15 + 15 days.
        await CaughtUpAsync(a);
        var statement = (await a.GetJsonAsync($"/v1/roaming/statements/{AgreementId}/{Period}")).Expect(HttpStatusCode.OK);
        var figures = statement.Body["statement"]!;
        var inA = figures["directions"]!.AsArray().Single(d => (string?)d!["visitedMspId"] == "Org1MSP")!;
        var inB = figures["directions"]!.AsArray().Single(d => (string?)d!["visitedMspId"] == "Org2MSP")!;
        Assert.Equal(7240, (long?)inA["chargeMinor"]);
        Assert.Equal(6220, (long?)inA["discountedMinor"]);
        Assert.Equal(400, (long?)inB["discountedMinor"]);
        Assert.Equal(5820, (long?)figures["netMinor"]);
        Assert.Equal("Org2MSP", (string?)figures["netPayerMspId"]);
        Assert.Equal("Org1MSP", (string?)figures["netPayeeMspId"]);
        Assert.Equal(PeriodStart.AddMonths(1).AddDays(-1).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)figures["dueDate"]);
        Assert.Equal("signed", (string?)statement.Body["state"]!["status"]);

        // C, on the same channel: public headers only.
        await CaughtUpAsync(c);
        foreach (var path in new[]
        {
            $"/v1/roaming/agreements/{AgreementId}/document", $"/v1/roaming/batches/{file1}/1/records",
            $"/v1/roaming/batches/{file1}/1/records/1/proof", $"/v1/roaming/batches/{file1}/1/rap",
        })
        {
            var refused = await c.GetJsonAsync(path);
            Assert.True(refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"C got {(int)refused.Status} from {path}: {refused.Body.ToJsonString()}");
            Assert.DoesNotContain("234150000000", refused.Body.ToJsonString(), StringComparison.Ordinal);
        }

        var seenByC = (await c.GetJsonAsync($"/v1/roaming/batches?agreementId={AgreementId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(4, seenByC.Body["items"]!.AsArray().Count);
        Assert.DoesNotContain("234150000000", seenByC.Body.ToJsonString(), StringComparison.Ordinal);
        var statementSeenByC = (await c.GetJsonAsync($"/v1/roaming/statements/{AgreementId}/{Period}")).Expect(HttpStatusCode.OK);
        Assert.Null(statementSeenByC.Body["statement"]);
        Assert.Equal("signed", (string?)statementSeenByC.Body["state"]!["status"]);
        var agreementSeenByC = (await c.GetJsonAsync($"/v1/roaming/agreements/{AgreementId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(proposed.Text("documentHash"), (string?)agreementSeenByC.Body["agreement"]!["versions"]![0]!["documentHash"]);

        // A Merkle proof of one record, from B, verifies at C against the public header alone; a changed record does not.
        var proof = (await b.GetJsonAsync($"/v1/roaming/batches/{file1}/1/records/1/proof")).Expect(HttpStatusCode.OK);
        Assert.True((bool?)proof.Body["verifiedAgainstHeader"]);
        var verified = Written(await c.PostJsonAsync($"/v1/roaming/batches/{file1}/1/proof-verification", new { canonicalRecord = proof.Text("canonicalRecord"), proof = proof.Body["proof"] })).Expect(HttpStatusCode.OK);
        Assert.True((bool?)verified.Body["valid"], verified.Body.ToJsonString());
        var tampered = proof.Text("canonicalRecord")[..^2] + (proof.Text("canonicalRecord")[^2..] == "00" ? "01" : "00");
        var forged = Written(await c.PostJsonAsync($"/v1/roaming/batches/{file1}/1/proof-verification", new { canonicalRecord = tampered, proof = proof.Body["proof"] })).Expect(HttpStatusCode.OK);
        Assert.False((bool?)forged.Body["valid"]);
    }

    /// <summary>Notes the block a write answer names, so later reads can wait for it.</summary>
    private Answer Written(Answer answer) => _written.Note(answer);

    /// <summary>Waits until <paramref name="api"/>'s roaming read model holds every block this run wrote.</summary>
    private Task CaughtUpAsync(HttpClient api) => _written.CaughtUpAsync(async () =>
    {
        var height = (await api.GetJsonAsync($"/v1/roaming/batches?agreementId={AgreementId}&limit=1")).Expect(HttpStatusCode.OK).Number("blockHeight");
        return (height, height.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    /// <summary>
    /// A (Org1MSP, TADIG A+tag) and B (Org2MSP, B+tag) in SDR with 3 decimals. In A's network: MOC local 120/min per 60 s,
    /// SMS 50, data 2000/MB per KB, with a tiered linear discount on MOC local (120/min up to 600 s, then 60/min). In
    /// B's network: MOC local 100/min per 60 s, no discount. Payment 15+15.
    /// </summary>
    private AgreementDocument Agreement() => new()
    {
        AgreementId = AgreementId,
        PartyA = new AgreementParty { MspId = OperatorA, Tadigs = [TadigA] },
        PartyB = new AgreementParty { MspId = OperatorB, Tadigs = [TadigB] },
        ValidFrom = PeriodStart.AddYears(-1),
        ValidTo = PeriodStart.AddYears(2),
        Currency = "SDR",
        DecimalPlaces = 3,
        LocalCurrencies = ["EUR"],
        ExchangeRateSource = "IMF SDR daily",
        PaymentTerms = "15+15",
        Directions =
        [
            new DirectionTerms
            {
                VisitedMspId = OperatorA,
                Rates =
                [
                    new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 },
                    new ServiceRate { Service = RoamingService.SmsMo, PricePerUnit = 50 },
                    new ServiceRate { Service = RoamingService.Data, PricePerUnit = 2000, ChargingIncrement = 1024 },
                ],
                Discount = new DiscountModel
                {
                    Kind = DiscountKind.TieredLinear,
                    Services =
                    [
                        new ServiceDiscount
                        {
                            Service = RoamingService.MocLocal,
                            Tiers = [new DiscountTier { FromQuantity = 0, Price = 120 }, new DiscountTier { FromQuantity = 600, Price = 60 }],
                        },
                    ],
                },
            },
            new DirectionTerms
            {
                VisitedMspId = OperatorB,
                Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }],
            },
        ],
    };

    private object Batch(string sender, string recipient, int file, int batch, UsageRecord[] records, string? agreementId = null)
        => new { agreementId = agreementId ?? AgreementId, senderTadig = sender, recipientTadig = recipient, fileSequenceNumber = file, batchNumber = batch, period = Period, decimalPlaces = 3, records };

    private static UsageRecord Moc(long seconds, long charge, int n) => Record(RoamingService.MocLocal, seconds, charge, n);

    private static UsageRecord Sms(long charge, int n) => Record(RoamingService.SmsMo, 1, charge, n);

    private static UsageRecord Data(long bytes, long charge, int n) => Record(RoamingService.Data, bytes, charge, n);

    /// <summary>Record <paramref name="n"/> on the 10th of the period, local time UTC+1, of subscriber 2341500000000nn.</summary>
    private static UsageRecord Record(RoamingService service, long quantity, long charge, int n) => new()
    {
        Service = service,
        EventTimeUtc = new DateTimeOffset(PeriodStart.Year, PeriodStart.Month, 10, 9, 0, 0, TimeSpan.Zero).AddMinutes(n),
        UtcOffsetMinutes = 60,
        Quantity = quantity,
        ChargeMinor = charge,
        DecimalPlaces = 3,
        TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes(n * 7919L + quantity)),
        Imsi = $"2341500000000{n:D2}",
        Msisdn = $"4477009000{n:D2}",
        CallReference = $"call-{n}",
    };
}
