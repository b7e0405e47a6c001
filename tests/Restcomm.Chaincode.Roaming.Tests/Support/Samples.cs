using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Support;

/// <summary>
/// A agreement between operator A (Org1MSP, TADIG AAAA1) and operator B (Org2MSP, TADIG BBBB2) in SDR with 3 decimal
/// places, and usage records priced at its rates.
/// </summary>
internal static class Samples
{
    public const string A = "Org1MSP";
    public const string B = "Org2MSP";
    public const string C = "Org3MSP";
    public const string TadigA = "AAAA1";
    public const string TadigB = "BBBB2";
    public const string AgreementId = "AB-2025";
    public const string Collection = "pair-Org1MSP-Org2MSP";

    /// <summary>
    /// In A's network: MOC local 120/min per 60 s, MOC home 300/min per second with 30 s minimum, MTC 30/min per
    /// second, SMS MO 50, data 2000/MB per KB. In B's network: MOC local 100/min per 60 s, SMS MO 40, data 1500/MB.
    /// Payment 15+15, 30-day dispute window, 20 % variance, 30 days' notice.
    /// </summary>
    public static AgreementDocument Agreement(DiscountModel? discountInA = null, DiscountModel? discountInB = null) => new()
    {
        AgreementId = AgreementId,
        PartyA = new AgreementParty { MspId = A, Tadigs = [TadigA] },
        PartyB = new AgreementParty { MspId = B, Tadigs = [TadigB] },
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidTo = new DateOnly(2026, 12, 31),
        Currency = "SDR",
        DecimalPlaces = 3,
        LocalCurrencies = ["EUR", "GBP"],
        ExchangeRateSource = "IMF SDR daily",
        PaymentTerms = "15+15",
        DisputeWindowDays = 30,
        MaxRateChangeBasisPoints = 2000,
        AmendmentNoticeDays = 30,
        Directions =
        [
            new DirectionTerms
            {
                VisitedMspId = A,
                Rates =
                [
                    new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 },
                    new ServiceRate { Service = RoamingService.MocHome, PricePerUnit = 300, ChargingIncrement = 1, MinimumQuantity = 30 },
                    new ServiceRate { Service = RoamingService.Mtc, PricePerUnit = 30 },
                    new ServiceRate { Service = RoamingService.SmsMo, PricePerUnit = 50 },
                    new ServiceRate { Service = RoamingService.Data, PricePerUnit = 2000, ChargingIncrement = 1024 },
                ],
                Discount = discountInA ?? new DiscountModel(),
            },
            new DirectionTerms
            {
                VisitedMspId = B,
                Rates =
                [
                    new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 },
                    new ServiceRate { Service = RoamingService.SmsMo, PricePerUnit = 40 },
                    new ServiceRate { Service = RoamingService.Data, PricePerUnit = 1500, ChargingIncrement = 1024 },
                ],
                Discount = discountInB ?? new DiscountModel(),
            },
        ],
    };

    /// <summary>A record on day <paramref name="day"/> counted from 1 January 2025 (local time = UTC + 60 min).</summary>
    public static UsageRecord Record(RoamingService service, long quantity, long charge, int day = 10, string imsi = "234150000000001", int seconds = 0)
        => new()
        {
            Service = service,
            EventTimeUtc = new DateTimeOffset(2025, 1, 1, 9, 0, 0, TimeSpan.Zero).AddDays(day - 1).AddSeconds(seconds),
            UtcOffsetMinutes = 60,
            Quantity = quantity,
            ChargeMinor = charge,
            DecimalPlaces = 3,
            TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes(quantity * 31 + charge + day * 7 + seconds)),
            Imsi = imsi,
            Msisdn = "447700900001",
            CalledNumber = service == RoamingService.MocHome ? "447700900123" : null,
            CallReference = $"ref-{day}-{seconds}-{quantity}",
        };

    /// <summary>
    /// Usage in A's network by B's subscribers, correctly rated: MOC local 61 s (120 s billed → 240), MOC home 10 s
    /// (30 s billed → 150), SMS (50), 1.5 MB of data (3000), MTC 90 s (45).
    /// </summary>
    public static IReadOnlyList<UsageRecord> UsageInA(int day = 10) =>
    [
        Record(RoamingService.MocLocal, 61, 240, day),
        Record(RoamingService.MocHome, 10, 150, day, seconds: 1),
        Record(RoamingService.SmsMo, 1, 50, day, seconds: 2),
        Record(RoamingService.Data, 1_572_864, 3000, day, seconds: 3),
        Record(RoamingService.Mtc, 90, 45, day, seconds: 4),
    ];

    public static UsageBatchHeader Template(string sender = TadigA, string recipient = TadigB, int file = 1, int batch = 1, string period = "2025-01") => new()
    {
        AgreementId = AgreementId,
        SenderTadig = sender,
        RecipientTadig = recipient,
        FileSequenceNumber = file,
        BatchNumber = batch,
        Period = period,
        RecordCount = 0,
        DecimalPlaces = 3,
        Totals = [],
        MerkleRoot = "",
        PayloadHash = "",
    };

    public static (UsageBatchHeader Header, byte[] Payload) Batch(IReadOnlyList<UsageRecord> records, string sender = TadigA, string recipient = TadigB, int file = 1, int batch = 1)
        => VerifiedUsageBatch.Build(Template(sender, recipient, file, batch), records);
}
