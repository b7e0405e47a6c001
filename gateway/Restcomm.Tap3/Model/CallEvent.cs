namespace Restcomm.Tap3;

/// <summary>The kinds of TAP call event (the alternatives of CallEventDetail).</summary>
public enum CallEventKind
{
    /// <summary>MobileOriginatedCall [APPLICATION 9].</summary>
    MobileOriginatedCall,

    /// <summary>MobileTerminatedCall [APPLICATION 10].</summary>
    MobileTerminatedCall,

    /// <summary>SupplServiceEvent [APPLICATION 11].</summary>
    SupplementaryServiceEvent,

    /// <summary>ServiceCentreUsage [APPLICATION 12].</summary>
    ServiceCentreUsage,

    /// <summary>GprsCall [APPLICATION 14].</summary>
    GprsCall,

    /// <summary>ContentTransaction [APPLICATION 17].</summary>
    ContentTransaction,

    /// <summary>LocationService [APPLICATION 297].</summary>
    LocationService,

    /// <summary>MessagingEvent [APPLICATION 433] (TAP 3.12).</summary>
    MessagingEvent,

    /// <summary>MobileSession [APPLICATION 434] (TAP 3.12).</summary>
    MobileSession,
}

/// <summary>
/// One TAP call event, flattened to the items settlement needs. Which items are set depends on <see cref="Kind"/>;
/// items the codec does not model (CAMEL details, operator-specific information, location descriptions, …) are
/// skipped when decoding and not written when encoding.
/// </summary>
public sealed class CallEvent
{
    /// <summary>Which CallEventDetail alternative this is.</summary>
    public CallEventKind Kind { get; set; }

    /// <summary>IMSI of the charged subscriber (decoded from BCD).</summary>
    public string? Imsi { get; set; }

    /// <summary>MSISDN of the charged subscriber (decoded from BCD).</summary>
    public string? Msisdn { get; set; }

    /// <summary>IMEI of the equipment used (decoded from BCD).</summary>
    public string? Imei { get; set; }

    /// <summary>
    /// When the event started: CallEventStartTimeStamp (calls, GPRS), ServiceStartTimestamp (messaging, sessions),
    /// ChargingTimeStamp (supplementary services, location services), OrderPlacedTimeStamp (content).
    /// </summary>
    public TapTimestamp? StartTime { get; set; }

    /// <summary>TotalCallEventDuration in seconds.</summary>
    public long? DurationSeconds { get; set; }

    /// <summary>CauseForTerm.</summary>
    public int? CauseForTerm { get; set; }

    /// <summary>Called number (MOC) or calling number (MTC), decoded from BCD.</summary>
    public string? OtherPartyNumber { get; set; }

    /// <summary>Destination network (MOC) or originating network (MTC).</summary>
    public string? PartnerNetwork { get; set; }

    /// <summary>Recording entity codes (one for calls, a list for GPRS and messaging).</summary>
    public IList<int> RecEntityCodes { get; set; } = [];

    /// <summary>Location area code.</summary>
    public long? LocationArea { get; set; }

    /// <summary>Cell identity.</summary>
    public long? CellId { get; set; }

    /// <summary>TeleServiceCode (hex string, e.g. "11" telephony, "22" SMS MO).</summary>
    public string? TeleServiceCode { get; set; }

    /// <summary>BearerServiceCode (hex string).</summary>
    public string? BearerServiceCode { get; set; }

    /// <summary>SupplServiceCode (hex string).</summary>
    public string? SupplServiceCode { get; set; }

    /// <summary>SupplServiceActionCode.</summary>
    public int? SupplServiceActionCode { get; set; }

    /// <summary>GPRS access point name, network identifier.</summary>
    public string? AccessPointNameNI { get; set; }

    /// <summary>GPRS access point name, operator identifier.</summary>
    public string? AccessPointNameOI { get; set; }

    /// <summary>GPRS charging id.</summary>
    public long? ChargingId { get; set; }

    /// <summary>Bytes received by the subscriber (may exceed 32 bits).</summary>
    public long? DataVolumeIncoming { get; set; }

    /// <summary>Bytes sent by the subscriber (may exceed 32 bits).</summary>
    public long? DataVolumeOutgoing { get; set; }

    /// <summary>MessagingEventService or MobileSessionService.</summary>
    public int? ServiceType { get; set; }

    /// <summary>EventReference of a messaging event or mobile session.</summary>
    public string? EventReference { get; set; }

    /// <summary>ContentTransactionCode.</summary>
    public int? ContentTransactionCode { get; set; }

    /// <summary>ContentTransactionType.</summary>
    public int? ContentTransactionType { get; set; }

    /// <summary>ContentProviderName.</summary>
    public string? ContentProviderName { get; set; }

    /// <summary>TransactionIdentifier of a content transaction.</summary>
    public string? TransactionIdentifier { get; set; }

    /// <summary>CustomerIdentifier of the tracking customer of a location service.</summary>
    public string? TrackingCustomerIdentifier { get; set; }

    /// <summary>The charges, one entry per ChargeInformation (or SessionChargeInformation).</summary>
    public IList<ChargeInformation> Charges { get; set; } = [];
}

/// <summary>One ChargeInformation group: charges in TAP currency minor units (the file's TapDecimalPlaces).</summary>
public sealed class ChargeInformation
{
    /// <summary>ChargedItem (A, D, E, L, V, W, X, …).</summary>
    public string? ChargedItem { get; set; }

    /// <summary>ExchangeRateCode pointing into the file's currency conversion table.</summary>
    public int? ExchangeRateCode { get; set; }

    /// <summary>CallTypeLevel1.</summary>
    public int? CallTypeLevel1 { get; set; }

    /// <summary>CallTypeLevel2.</summary>
    public int? CallTypeLevel2 { get; set; }

    /// <summary>CallTypeLevel3.</summary>
    public int? CallTypeLevel3 { get; set; }

    /// <summary>The ChargeDetail entries.</summary>
    public IList<ChargeDetail> Details { get; set; } = [];

    /// <summary>The TaxInformation entries.</summary>
    public IList<TaxItem> Taxes { get; set; } = [];

    /// <summary>DiscountCode of the DiscountInformation, if any.</summary>
    public int? DiscountCode { get; set; }

    /// <summary>Discount value (minor units) of the DiscountInformation, if any.</summary>
    public long? Discount { get; set; }
}

/// <summary>One ChargeDetail.</summary>
/// <param name="ChargeType">ChargeType ("00" total, "01" airtime, "03" toll, …).</param>
/// <param name="Charge">Charge in TAP currency minor units (the file's TapDecimalPlaces).</param>
/// <param name="ChargeableUnits">ChargeableUnits, if present.</param>
/// <param name="ChargedUnits">ChargedUnits, if present.</param>
public readonly record struct ChargeDetail(string ChargeType, long Charge, long? ChargeableUnits, long? ChargedUnits);

/// <summary>One TaxInformation.</summary>
/// <param name="TaxCode">TaxCode pointing into the file's taxation table.</param>
/// <param name="TaxValue">Tax value in minor units.</param>
/// <param name="TaxableAmount">Taxable amount in minor units, if present.</param>
public readonly record struct TaxItem(int TaxCode, long TaxValue, long? TaxableAmount);
