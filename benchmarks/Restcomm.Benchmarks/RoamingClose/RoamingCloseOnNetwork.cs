using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Fabric.Client;
using Restcomm.Roaming;

namespace Restcomm.Benchmarks.RoamingClose;

/// <summary>
/// <c>roaming-close --network FILE [--batches N] [--records R] [--in-flight K] [--evaluations E]</c>: the period close
/// on a running network (the dev network of <c>make run</c>, or real Fabric from <c>make network-up</c>), through the
/// Gateway client as operators A (Org1MSP) and B (Org2MSP). A fresh agreement (its names drawn per run, so runs can
/// share a ledger) gets N batches of R two-minute calls dated two calendar months back, each submitted by A and accepted
/// by B, both endorsed by the pair, K at a time. Then the close: E evaluations of <c>CloseStatementPeriod</c> on A's
/// peer (the chaincode's work on one endorsing peer, nothing committed) and one submit endorsed by both peers, ordered
/// and committed (the close as an operator sees it). The statement's figures are checked against hand arithmetic.
/// </summary>
internal static class RoamingCloseOnNetwork
{
    private const string Channel = "roaming-emea";
    private const string OperatorA = "Org1MSP";
    private const string OperatorB = "Org2MSP";
    private static readonly string[] Pair = [OperatorA, OperatorB];
    private static int _retries;

    public static async Task<int> RunAsync(string networkFile, int batches, int records, int inFlight, int evaluations)
    {
        var description = await FabricNetworkDescription.LoadAsync(networkFile).ConfigureAwait(false);
        using var gatewayA = description.GetOrg(OperatorA).Connect();
        using var gatewayB = description.GetOrg(OperatorB).Connect();
        var a = gatewayA.GetNetwork(Channel).GetContract("roaming");
        var b = gatewayB.GetNetwork(Channel).GetContract("roaming");
        var run = new Run(Convert.ToHexString(RandomNumberGenerator.GetBytes(2)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"roaming-close on {description.Kind} network {networkFile}: agreement {run.AgreementId}, period {run.Period}, {batches} batches x {records} records, {inFlight} in flight, {Environment.ProcessorCount} cores"));

        var document = JsonSerializer.SerializeToUtf8Bytes(run.Agreement(), RoamingJson.Options);
        await a.SubmitTransactionAsync("ProposeAgreement", new ProposalOptions().PutTransient("agreement", document).WithEndorsingOrganizations(Pair)).ConfigureAwait(false);
        await b.SubmitTransactionAsync("AcceptAgreement", new ProposalOptions().AddArguments(run.AgreementId, Convert.ToHexStringLower(SHA256.HashData(document))).WithEndorsingOrganizations(Pair)).ConfigureAwait(false);

        var setup = Stopwatch.StartNew();
        var next = -1;
        var done = 0;
        using (var progress = new Timer(_ => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Volatile.Read(ref done)}/{batches} batches submitted and accepted, {setup.Elapsed.TotalSeconds:F0} s")), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)))
        {
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                for (var n = Interlocked.Increment(ref next); n < batches; n = Interlocked.Increment(ref next))
                {
                    var (header, payload) = VerifiedUsageBatch.Build(run.Template(n), [.. Enumerable.Range(0, records).Select(r => run.Record(n, r))]);
                    await WithRetriesAsync(() => a.SubmitTransactionAsync("SubmitUsageBatch", new ProposalOptions()
                        .AddArguments(JsonSerializer.Serialize(header, RoamingJson.Options))
                        .PutTransient(UsageBatchPayload.TransientKey, payload)
                        .WithEndorsingOrganizations(Pair))).ConfigureAwait(false);
                    await WithRetriesAsync(() => b.SubmitTransactionAsync("AcceptUsageBatch", new ProposalOptions()
                        .AddArguments(header.FileId, header.BatchNumber.ToString(CultureInfo.InvariantCulture))
                        .WithEndorsingOrganizations(Pair))).ConfigureAwait(false);
                    Interlocked.Increment(ref done);
                }
            })).ConfigureAwait(false);
        }

        setup.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"setup: {2 * batches} submit+accept transactions in {setup.Elapsed.TotalSeconds:F1} s ({2 * batches / setup.Elapsed.TotalSeconds:F0} committed tx/s)"));

        var close = new ProposalOptions().AddArguments(run.AgreementId, run.Period).WithEndorsingOrganizations(Pair);
        var evaluated = new List<double>();
        for (var i = 0; i < evaluations; i++)
        {
            var watch = Stopwatch.StartNew();
            var view = await a.EvaluateTransactionAsync("CloseStatementPeriod", close).ConfigureAwait(false);
            evaluated.Add(watch.Elapsed.TotalMilliseconds);
            Check(view, batches, records);
        }

        var submitted = Stopwatch.StartNew();
        var closed = await a.SubmitTransactionAsync("CloseStatementPeriod", close).ConfigureAwait(false);
        submitted.Stop();
        var statement = Check(closed, batches, records);
        evaluated.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"close evaluated on {OperatorA}'s peer: best {evaluated[0]:F0} ms, median {evaluated[evaluated.Count / 2]:F0} ms over {evaluations}; " +
            $"close submitted (endorsed by both peers, ordered, committed): {submitted.Elapsed.TotalMilliseconds:F0} ms; " +
            $"statement: {statement.Directions[0].Batches} batches, charge {statement.Directions[0].ChargeMinor}, payable {statement.Directions[0].PayableMinor}, net {statement.NetMinor}"));
        return 0;
    }

    /// <summary>The statement must hold every batch, priced and discounted as the tiers say.</summary>
    private static SettlementStatement Check(byte[] view, int batches, int records)
    {
        var statement = JsonSerializer.Deserialize<StatementView>(view, RoamingJson.Options)?.Statement
            ?? throw new InvalidOperationException("CloseStatementPeriod answered no statement");
        var inA = statement.Directions.Single(d => d.VisitedMspId == OperatorA);
        long seconds = 120L * batches * records;
        var payable = (2 * Math.Min(seconds, 600_000)) + Math.Max(0, seconds - 600_000);
        if (inA.Batches != batches || inA.ChargeMinor != 2 * seconds || inA.PayableMinor != payable)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"statement holds {inA.Batches} batches, charge {inA.ChargeMinor}, payable {inA.PayableMinor}; expected {batches}, {2 * seconds}, {payable}"));
        }

        return statement;
    }

    private static async Task WithRetriesAsync(Func<Task<byte[]>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < 5 && e is GatewayException or CommitException)
            {
                // A file's first batch reads the previous file's first batch (the sequence check); when both are in
                // flight together that read can conflict, and the submit is simply repeated, as ingestion does. B's
                // peer may also commit a block a moment after A's, so B's accept can find no batch yet: asked again.
                Interlocked.Increment(ref _retries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One run's names: agreement <c>AB-tag</c> between TADIGs <c>Atag</c> and <c>Btag</c>.</summary>
    private sealed class Run(string tag)
    {
        private readonly DateTimeOffset _periodStart = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-2);

        public string AgreementId { get; } = "AB-" + tag;

        public string TadigA { get; } = "A" + tag;

        public string TadigB { get; } = "B" + tag;

        public string Period => _periodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        public AgreementDocument Agreement() => new()
        {
            AgreementId = AgreementId,
            PartyA = new AgreementParty { MspId = OperatorA, Tadigs = [TadigA] },
            PartyB = new AgreementParty { MspId = OperatorB, Tadigs = [TadigB] },
            ValidFrom = DateOnly.FromDateTime(_periodStart.UtcDateTime).AddYears(-1),
            ValidTo = DateOnly.FromDateTime(_periodStart.UtcDateTime).AddYears(2),
            Currency = "SDR",
            PaymentTerms = "15+15",
            Directions =
            [
                new DirectionTerms
                {
                    VisitedMspId = OperatorA,
                    Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 }],
                    Discount = new DiscountModel
                    {
                        Kind = DiscountKind.TieredLinear,
                        Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Tiers = [new DiscountTier { FromQuantity = 0, Price = 120 }, new DiscountTier { FromQuantity = 600_000, Price = 60 }] }],
                    },
                },
                new DirectionTerms { VisitedMspId = OperatorB, Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }] },
            ],
        };

        /// <summary>Batch <paramref name="n"/>: file n / 100 + 1, batch n % 100 + 1.</summary>
        public UsageBatchHeader Template(int n) => new()
        {
            AgreementId = AgreementId,
            SenderTadig = TadigA,
            RecipientTadig = TadigB,
            FileSequenceNumber = (n / 100) + 1,
            BatchNumber = (n % 100) + 1,
            Period = Period,
            RecordCount = 0,
            DecimalPlaces = 3,
            Totals = [],
            MerkleRoot = string.Empty,
            PayloadHash = string.Empty,
        };

        /// <summary>A two-minute MOC local call (240 at 120/min), spread over the period's first 28 days.</summary>
        public UsageRecord Record(int batch, int index) => new()
        {
            Service = RoamingService.MocLocal,
            EventTimeUtc = _periodStart.AddSeconds(((long)batch * 37 + index) % (28L * 86_400)),
            UtcOffsetMinutes = 60,
            Quantity = 120,
            ChargeMinor = 240,
            DecimalPlaces = 3,
            TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes(((long)batch << 16) | (uint)index)),
            Imsi = "234150000000001",
            CallReference = string.Create(CultureInfo.InvariantCulture, $"b{batch}-r{index}"),
        };
    }
}
