namespace Restcomm.Tap3.Internal;

/// <summary>
/// One worker's reusable <see cref="CallEvent"/> and <see cref="ChargeInformation"/> objects. On the hot path a
/// record is decoded, validated, hashed and dropped, so refilling the same objects (lists cleared, never
/// reallocated) removes most per-record allocations. Only valid until the next <see cref="Begin"/>.
/// </summary>
internal sealed class DecodeScratch
{
    private readonly CallEvent _event = new();
    private readonly List<ChargeInformation> _charges = [];
    private int _chargesUsed;

    public CallEvent Begin(CallEventKind kind)
    {
        var e = _event;
        e.Kind = kind;
        e.Imsi = null;
        e.Msisdn = null;
        e.Imei = null;
        e.StartTime = null;
        e.DurationSeconds = null;
        e.CauseForTerm = null;
        e.OtherPartyNumber = null;
        e.PartnerNetwork = null;
        e.RecEntityCodes.Clear();
        e.LocationArea = null;
        e.CellId = null;
        e.TeleServiceCode = null;
        e.BearerServiceCode = null;
        e.SupplServiceCode = null;
        e.SupplServiceActionCode = null;
        e.AccessPointNameNI = null;
        e.AccessPointNameOI = null;
        e.ChargingId = null;
        e.DataVolumeIncoming = null;
        e.DataVolumeOutgoing = null;
        e.ServiceType = null;
        e.EventReference = null;
        e.ContentTransactionCode = null;
        e.ContentTransactionType = null;
        e.ContentProviderName = null;
        e.TransactionIdentifier = null;
        e.TrackingCustomerIdentifier = null;
        e.Charges.Clear();
        _chargesUsed = 0;
        return e;
    }

    public ChargeInformation RentCharge()
    {
        if (_chargesUsed == _charges.Count)
        {
            _charges.Add(new ChargeInformation());
        }

        var c = _charges[_chargesUsed++];
        c.ChargedItem = null;
        c.ExchangeRateCode = null;
        c.CallTypeLevel1 = null;
        c.CallTypeLevel2 = null;
        c.CallTypeLevel3 = null;
        c.Details.Clear();
        c.Taxes.Clear();
        c.DiscountCode = null;
        c.Discount = null;
        return c;
    }
}
