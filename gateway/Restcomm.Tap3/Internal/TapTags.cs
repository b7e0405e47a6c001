namespace Restcomm.Tap3.Internal;

/// <summary>
/// TAP3 APPLICATION tag numbers (TD.57 ASN.1, implicit tags). Tags of other classes are folded into the same
/// integer space by <see cref="Ber"/> (class bits above bit 24), so an application tag is just its number.
/// </summary>
internal static class TapTags
{
    public const int TransferBatch = 1;
    public const int Notification = 2;
    public const int CallEventDetailList = 3;
    public const int BatchControlInfo = 4;
    public const int AccountingInfo = 5;
    public const int NetworkInfo = 6;
    public const int MessageDescriptionInfoList = 8;
    public const int MobileOriginatedCall = 9;
    public const int MobileTerminatedCall = 10;
    public const int SupplServiceEvent = 11;
    public const int ServiceCentreUsage = 12;
    public const int GprsCall = 14;
    public const int AuditControlInfo = 15;
    public const int LocalTimeStamp = 16;
    public const int ContentTransaction = 17;
    public const int LocationService = 297;
    public const int MessagingEvent = 433;
    public const int MobileSession = 434;

    // batch control
    public const int Sender = 196;
    public const int Recipient = 182;
    public const int FileSequenceNumber = 109;
    public const int FileCreationTimeStamp = 108;
    public const int TransferCutOffTimeStamp = 227;
    public const int FileAvailableTimeStamp = 107;
    public const int SpecificationVersionNumber = 201;
    public const int ReleaseVersionNumber = 189;
    public const int FileTypeIndicator = 110;
    public const int RapFileSequenceNumber = 181;
    public const int OperatorSpecInfoList = 162;
    public const int OperatorSpecInformation = 163;
    public const int UtcTimeOffset = 231;
    public const int UtcTimeOffsetCode = 232;

    // accounting
    public const int LocalCurrency = 135;
    public const int TapCurrency = 210;
    public const int CurrencyConversionList = 80;
    public const int CurrencyConversion = 106;
    public const int ExchangeRateCode = 105;
    public const int NumberOfDecimalPlaces = 159;
    public const int ExchangeRate = 104;
    public const int TapDecimalPlaces = 244;

    // network
    public const int UtcTimeOffsetInfoList = 234;
    public const int UtcTimeOffsetInfo = 233;
    public const int RecEntityInfoList = 188;
    public const int RecEntityInformation = 183;
    public const int RecEntityCode = 184;
    public const int RecEntityType = 186;
    public const int RecEntityId = 400;
    public const int RecEntityCodeList = 185;

    // audit
    public const int EarliestCallTimeStamp = 101;
    public const int LatestCallTimeStamp = 133;
    public const int TotalCharge = 415;
    public const int TotalChargeRefund = 355;
    public const int TotalTaxRefund = 353;
    public const int TotalTaxValue = 226;
    public const int TotalDiscountValue = 225;
    public const int TotalDiscountRefund = 354;
    public const int CallEventDetailsCount = 43;
    public const int TotalChargeValueList = 224; // TAP 3.10 and earlier
    public const int TotalChargeValue = 222;     // TAP 3.10 and earlier
    public const int AbsoluteAmount310 = 241;    // TAP 3.10 and earlier: AbsoluteAmount carries its own tag

    // call event parts
    public const int MoBasicCallInformation = 147;
    public const int MtBasicCallInformation = 153;
    public const int ChargeableSubscriber = 427;
    public const int SimChargeableSubscriber = 199;
    public const int GsmChargeableSubscriber = 286;
    public const int Imsi = 129;
    public const int Msisdn = 152;
    public const int Destination = 89;
    public const int CalledNumber = 407;
    public const int DialledDigits = 279;
    public const int CallOriginator = 41;
    public const int CallingNumber = 405;
    public const int DestinationNetwork = 90;
    public const int OriginatingNetwork = 164;
    public const int CallEventStartTimeStamp = 44;
    public const int TotalCallEventDuration = 223;
    public const int CauseForTerm = 58;
    public const int LocationInformation = 138;
    public const int NetworkLocation = 156;
    public const int LocationArea = 136;
    public const int CellId = 59;
    public const int ImeiOrEsn = 429;
    public const int Imei = 128;
    public const int BasicServiceUsedList = 38;
    public const int BasicServiceUsed = 39;
    public const int BasicService = 36;
    public const int BasicServiceCode = 426;
    public const int TeleServiceCode = 218;
    public const int BearerServiceCode = 40;
    public const int ChargingTimeStamp = 74;
    public const int ChargeInformationList = 70;
    public const int ChargeInformation = 69;
    public const int ChargedItem = 66;
    public const int CallTypeGroup = 258;
    public const int CallTypeLevel1 = 259;
    public const int CallTypeLevel2 = 255;
    public const int CallTypeLevel3 = 256;
    public const int ChargeDetailList = 64;
    public const int ChargeDetail = 63;
    public const int ChargeType = 71;
    public const int Charge = 62;
    public const int ChargeableUnits = 65;
    public const int ChargedUnits = 68;
    public const int ChargeDetailTimeStamp = 410;
    public const int TaxInformationList = 214;
    public const int TaxInformation = 213;
    public const int TaxCode = 212;
    public const int TaxValue = 397;
    public const int TaxableAmount = 398;
    public const int DiscountInformation = 96;
    public const int DiscountCode = 91;
    public const int Discount = 412;
    public const int CamelServiceUsed = 57;
    public const int CamelInvocationFee = 422;

    // GPRS
    public const int GprsBasicCallInformation = 114;
    public const int GprsChargeableSubscriber = 115;
    public const int GprsDestination = 116;
    public const int AccessPointNameNI = 261;
    public const int AccessPointNameOI = 262;
    public const int ChargingId = 72;
    public const int GprsLocationInformation = 117;
    public const int GprsNetworkLocation = 118;
    public const int GprsServiceUsed = 121;
    public const int DataVolumeIncoming = 250;
    public const int DataVolumeOutgoing = 251;
    public const int PdpAddress = 167;

    // supplementary services
    public const int SupplServiceUsed = 206;
    public const int SupplServiceCode = 209;
    public const int SupplServiceActionCode = 208;

    // messaging events and mobile sessions (3.12)
    public const int MessagingEventService = 439;
    public const int MobileSessionService = 440;
    public const int ChargedParty = 436;
    public const int EventReference = 435;
    public const int ServiceStartTimestamp = 447;
    public const int SessionChargeInfoList = 448;
    public const int SessionChargeInformation = 449;

    // content transactions
    public const int ContentTransactionBasicInfo = 304;
    public const int ChargedPartyInformation = 324;
    public const int ChargedPartyIdList = 310;
    public const int ChargedPartyIdentification = 309;
    public const int ChargedPartyIdType = 305;
    public const int ChargedPartyIdentifier = 287;
    public const int ServingPartiesInformation = 335;
    public const int ContentProviderName = 334;
    public const int ContentServiceUsedList = 285;
    public const int ContentServiceUsed = 352;
    public const int ContentTransactionCode = 336;
    public const int ContentTransactionType = 337;
    public const int TransactionShortDescription = 340;
    public const int TransactionIdentifier = 341;
    public const int OrderPlacedTimeStamp = 300;

    // location services
    public const int LocationServiceUsage = 382;
    public const int LCSQosRequested = 383;
    public const int TrackingCustomerInformation = 298;
    public const int TrackedCustomerInformation = 367;

    // RAP (only to recognise and refuse them clearly)
    public const int RapReturnBatch = 534;
    public const int RapAcknowledgement = 535;

    /// <summary>The constants above by tag (first name wins) and by name: item names of errors and RAP error paths.</summary>
    private static readonly (Dictionary<int, string> ByTag, Dictionary<string, int> ByName) Names = BuildNames();

    /// <summary>The constant name of <paramref name="tag"/>, or its generic description.</summary>
    public static string NameOf(int tag) => Names.ByTag.TryGetValue(tag, out var name) ? name : Ber.DescribeTag(tag);

    /// <summary>The tag of the item called <paramref name="name"/> (a constant name above).</summary>
    public static bool TryGetTag(string name, out int tag) => Names.ByName.TryGetValue(name, out tag);

    private static (Dictionary<int, string>, Dictionary<string, int>) BuildNames()
    {
        var fields = typeof(TapTags)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (f.Name, Tag: (int)f.GetRawConstantValue()!))
            .ToList();
        var byTag = fields.GroupBy(f => f.Tag).ToDictionary(g => g.Key, g => g.First().Name);
        var byName = fields.ToDictionary(f => f.Name, f => f.Tag, StringComparer.Ordinal);
        return (byTag, byName);
    }
}
