using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Roaming;

namespace Restcomm.Benchmarks.RoamingClose;

/// <summary>
/// <c>roaming-close [--batches N] [--records R] [--runs K]</c>: the roaming chaincode's period close over a period of
/// N reconciled batches (default 10,000 of 5 records), run in-process against the real contract on the shim's in-memory
/// stub (no gRPC, no endorsement, no ordering): what is measured is the chaincode's own work for
/// <c>CloseStatementPeriod</c> — the range read of the period index, one public read per batch, the accepted usage
/// summed per direction and service, the discount, the figures written to the pair's collection. Each run builds a
/// fresh ledger (agreement, N submitted and accepted batches) and closes it once; the setup's rate is printed too.
/// With <c>--network FILE</c> the same close runs on a network instead (<see cref="RoamingCloseOnNetwork"/>).
/// </summary>
internal static class RoamingCloseDriver
{
    private static readonly Dictionary<string, string> Roles = new() { ["roaming.submitter"] = "true", ["roaming.approver"] = "true" };
    private static readonly TestIdentity A = TestIdentity.Create("Org1MSP", "User1@org1.example.com", Roles);
    private static readonly TestIdentity B = TestIdentity.Create("Org2MSP", "User1@org2.example.com", Roles);

    public static async Task<int> RunAsync(string[] args)
    {
        var batches = 10_000;
        var records = 5;
        var runs = 3;
        var inFlight = 64;
        var evaluations = 5;
        string? network = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--network")
            {
                network = args[i + 1];
                continue;
            }

            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--batches": batches = value; break;
                case "--records": records = value; break;
                case "--runs": runs = value; break;
                case "--in-flight": inFlight = value; break;
                case "--evaluations": evaluations = value; break;
                default:
                    await Console.Error.WriteLineAsync("usage: roaming-close [--batches N] [--records R] [--runs K] | roaming-close --network FILE [--batches N] [--records R] [--in-flight K] [--evaluations E]").ConfigureAwait(false);
                    return 2;
            }
        }

        if (network is not null)
        {
            return await RoamingCloseOnNetwork.RunAsync(network, batches, records, inFlight, evaluations).ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"roaming-close: {batches} batches x {records} records, {runs} run(s), {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        var closes = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (setup, close, statement) = await RunOnceAsync(batches, records).ConfigureAwait(false);
            closes.Add(close.TotalMilliseconds);
            var inA = statement.Directions.Single(d => d.VisitedMspId == "Org1MSP");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: setup {setup.TotalSeconds:F1} s ({2 * batches / setup.TotalSeconds:F0} submit+accept tx/s); close {close.TotalMilliseconds:F0} ms; " +
                $"batches {inA.Batches}, charge {inA.ChargeMinor}, payable {inA.PayableMinor}, net {statement.NetMinor}; working set {Environment.WorkingSet / (1024 * 1024)} MiB"));
        }

        closes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"close: best {closes[0]:F0} ms, median {closes[closes.Count / 2]:F0} ms over {runs} run(s)"));
        return 0;
    }

    private static async Task<(TimeSpan Setup, TimeSpan Close, SettlementStatement Statement)> RunOnceAsync(int batches, int records)
    {
        var clock = new Clock { Now = new DateTimeOffset(2025, 1, 20, 10, 0, 0, TimeSpan.Zero) };
        var stub = new InMemoryChaincodeStub("roaming-emea") { TimeProvider = clock };
        var chaincode = RoamingChaincode.Create(new RoamingPolicy());
        var document = JsonSerializer.SerializeToUtf8Bytes(Agreement(), RoamingJson.Options);
        await OkAsync(stub, chaincode, A, "ProposeAgreement", [], ("agreement", document)).ConfigureAwait(false);
        await OkAsync(stub, chaincode, B, "AcceptAgreement", ["AB-BENCH", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(document))]).ConfigureAwait(false);

        var setup = Stopwatch.StartNew();
        for (var n = 0; n < batches; n++)
        {
            var file = (n / 100) + 1;
            var batch = (n % 100) + 1;
            var usage = Enumerable.Range(0, records).Select(r => Record(n, r)).ToList();
            var (header, payload) = VerifiedUsageBatch.Build(Template(file, batch), usage);
            await OkAsync(stub, chaincode, A, "SubmitUsageBatch", [JsonSerializer.Serialize(header, RoamingJson.Options)], (UsageBatchPayload.TransientKey, payload)).ConfigureAwait(false);
            await OkAsync(stub, chaincode, B, "AcceptUsageBatch", [header.FileId, batch.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        }

        setup.Stop();
        clock.Now = new DateTimeOffset(2025, 2, 3, 10, 0, 0, TimeSpan.Zero);
        var close = Stopwatch.StartNew();
        var view = await OkAsync(stub, chaincode, A, "CloseStatementPeriod", ["AB-BENCH", "2025-01"]).ConfigureAwait(false);
        close.Stop();
        var statement = JsonSerializer.Deserialize<StatementView>(view, RoamingJson.Options)!.Statement!;
        return (setup.Elapsed, close.Elapsed, statement);
    }

    private static async Task<byte[]> OkAsync(InMemoryChaincodeStub stub, IChaincode chaincode, TestIdentity caller, string function, IReadOnlyList<string> args, params (string Key, byte[] Value)[] transient)
    {
        stub.SetCreator(caller).StartTransaction(function, args);
        foreach (var (key, value) in transient)
        {
            stub.SetTransient(key, value);
        }

        var response = await chaincode.InvokeAsync(stub, CancellationToken.None).ConfigureAwait(false);
        return response.IsSuccess ? response.Payload.ToArray() : throw new InvalidOperationException($"{function}: {response.Status} {response.Message}");
    }

    private static AgreementDocument Agreement() => new()
    {
        AgreementId = "AB-BENCH",
        PartyA = new AgreementParty { MspId = "Org1MSP", Tadigs = ["AAAA1"] },
        PartyB = new AgreementParty { MspId = "Org2MSP", Tadigs = ["BBBB2"] },
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidTo = new DateOnly(2026, 12, 31),
        Currency = "SDR",
        PaymentTerms = "15+15",
        Directions =
        [
            new DirectionTerms
            {
                VisitedMspId = "Org1MSP",
                Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 }],
                Discount = new DiscountModel
                {
                    Kind = DiscountKind.TieredLinear,
                    Services = [new ServiceDiscount { Service = RoamingService.MocLocal, Tiers = [new DiscountTier { FromQuantity = 0, Price = 120 }, new DiscountTier { FromQuantity = 600_000, Price = 60 }] }],
                },
            },
            new DirectionTerms { VisitedMspId = "Org2MSP", Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }] },
        ],
    };

    private static UsageBatchHeader Template(int file, int batch) => new()
    {
        AgreementId = "AB-BENCH",
        SenderTadig = "AAAA1",
        RecipientTadig = "BBBB2",
        FileSequenceNumber = file,
        BatchNumber = batch,
        Period = "2025-01",
        RecordCount = 0,
        DecimalPlaces = 3,
        Totals = [],
        MerkleRoot = string.Empty,
        PayloadHash = string.Empty,
    };

    /// <summary>A two-minute MOC local call (240 at 120/min), one per record, spread over January.</summary>
    private static UsageRecord Record(int batch, int index) => new()
    {
        Service = RoamingService.MocLocal,
        EventTimeUtc = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(((long)batch * 37 + index) % (30L * 86_400)),
        UtcOffsetMinutes = 60,
        Quantity = 120,
        ChargeMinor = 240,
        DecimalPlaces = 3,
        TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes(((long)batch << 16) | (uint)index)),
        Imsi = "234150000000001",
        CallReference = string.Create(CultureInfo.InvariantCulture, $"b{batch}-r{index}"),
    };

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
