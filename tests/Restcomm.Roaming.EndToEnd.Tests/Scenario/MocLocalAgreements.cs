namespace Restcomm.Roaming.Scenario;

/// <summary>
/// The plain agreement the end-to-end stories propose between two operators: SDR, payment 15+15, valid from a year
/// before the period to two years after it, and one rate in each direction, MOC local per minute in 60 s increments.
/// </summary>
internal static class MocLocalAgreements
{
    /// <summary>The first day of the month two months back: a closed period the stories settle.</summary>
    public static DateOnly RecentPeriodStart => new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-2);

    /// <summary>An agreement between <paramref name="partyA"/> and <paramref name="partyB"/>.</summary>
    /// <param name="id">The agreement ID.</param>
    /// <param name="partyA">The proposing party.</param>
    /// <param name="partyB">The other party.</param>
    /// <param name="priceInA">MOC local price per minute when A is the visited network.</param>
    /// <param name="priceInB">MOC local price per minute when B is the visited network.</param>
    /// <param name="periodStart">The period the agreement must cover.</param>
    /// <param name="decimalPlaces">Decimal places of the SDR amounts.</param>
    /// <param name="localCurrency">The visited networks' local currency.</param>
    /// <returns>The document to propose.</returns>
    public static AgreementDocument Between(string id, AgreementParty partyA, AgreementParty partyB, long priceInA, long priceInB, DateOnly periodStart,
        int decimalPlaces = 3, string localCurrency = "EUR") => new()
    {
        AgreementId = id,
        PartyA = partyA,
        PartyB = partyB,
        ValidFrom = periodStart.AddYears(-1),
        ValidTo = periodStart.AddYears(2),
        Currency = "SDR",
        DecimalPlaces = decimalPlaces,
        LocalCurrencies = [localCurrency],
        ExchangeRateSource = "IMF SDR daily",
        PaymentTerms = "15+15",
        Directions =
        [
            new DirectionTerms { VisitedMspId = partyA.MspId, Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = priceInA, ChargingIncrement = 60 }] },
            new DirectionTerms { VisitedMspId = partyB.MspId, Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = priceInB, ChargingIncrement = 60 }] },
        ],
    };
}
