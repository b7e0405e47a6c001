using Restcomm.Roaming;

namespace Restcomm.Ingestion.Tests.Infrastructure;

/// <summary>Agreements between the sender (Org1MSP) and the recipient (Org2MSP) of a TAP file.</summary>
internal static class Agreements
{
    public const string Visited = "Org1MSP";
    public const string Home = "Org2MSP";
    public const string Third = "Org3MSP";
    public const string Id = "INGEST-1";

    /// <summary>Rates for every service in the visited network, valid over the generator's dates (2026).</summary>
    public static AgreementDocument Document(string senderTadig, string recipientTadig, string id = Id) => new()
    {
        AgreementId = id,
        PartyA = new AgreementParty { MspId = Visited, Tadigs = [senderTadig] },
        PartyB = new AgreementParty { MspId = Home, Tadigs = [recipientTadig] },
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidTo = new DateOnly(2027, 12, 31),
        Currency = "SDR",
        DecimalPlaces = 3,
        LocalCurrencies = ["EUR"],
        ExchangeRateSource = "IMF SDR daily",
        PaymentTerms = "15+15",
        DisputeWindowDays = 30,
        MaxRateChangeBasisPoints = 2000,
        AmendmentNoticeDays = 30,
        Directions =
        [
            new DirectionTerms
            {
                VisitedMspId = Visited,
                Rates =
                [
                    new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 },
                    new ServiceRate { Service = RoamingService.MocHome, PricePerUnit = 300 },
                    new ServiceRate { Service = RoamingService.MocInternational, PricePerUnit = 900 },
                    new ServiceRate { Service = RoamingService.Mtc, PricePerUnit = 30 },
                    new ServiceRate { Service = RoamingService.SmsMo, PricePerUnit = 50 },
                    new ServiceRate { Service = RoamingService.Data, PricePerUnit = 2000, ChargingIncrement = 1024 },
                ],
                Discount = new DiscountModel(),
            },
            new DirectionTerms
            {
                VisitedMspId = Home,
                Rates = [new ServiceRate { Service = RoamingService.Data, PricePerUnit = 1500, ChargingIncrement = 1024 }],
                Discount = new DiscountModel(),
            },
        ],
    };

    /// <summary>The public state the chaincode keeps for an accepted <see cref="Document"/>.</summary>
    public static AgreementState ActiveState(string senderTadig, string recipientTadig) => new()
    {
        AgreementId = Id,
        Collection = $"pair-{Visited}-{Home}",
        PartyA = new AgreementParty { MspId = Visited, Tadigs = [senderTadig] },
        PartyB = new AgreementParty { MspId = Home, Tadigs = [recipientTadig] },
        Status = AgreementStatus.Active,
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidTo = new DateOnly(2027, 12, 31),
    };
}
