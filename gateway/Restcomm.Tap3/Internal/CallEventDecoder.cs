using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// Decodes one CallEventDetail element into a <see cref="CallEvent"/>. TAP's implicit APPLICATION tags are unique
/// per type, so the decoder walks the known groups and reacts to item tags wherever they sit; groups it does not
/// model, and any unknown or extension element, are skipped by length without being looked into.
/// </summary>
internal static class CallEventDecoder
{
    public static CallEventKind? KindOf(int tag) => tag switch
    {
        MobileOriginatedCall => CallEventKind.MobileOriginatedCall,
        MobileTerminatedCall => CallEventKind.MobileTerminatedCall,
        SupplServiceEvent => CallEventKind.SupplementaryServiceEvent,
        ServiceCentreUsage => CallEventKind.ServiceCentreUsage,
        GprsCall => CallEventKind.GprsCall,
        ContentTransaction => CallEventKind.ContentTransaction,
        LocationService => CallEventKind.LocationService,
        MessagingEvent => CallEventKind.MessagingEvent,
        MobileSession => CallEventKind.MobileSession,
        _ => null,
    };

    /// <summary>
    /// Decodes the element that fills <paramref name="data"/>. Returns null for an unknown (extension) call event type.
    /// Throws <see cref="TapFormatException"/> for broken BER, <see cref="TapValueException"/> for unusable values.
    /// </summary>
    public static CallEvent? Decode(ReadOnlySpan<byte> data, long baseOffset, TapDecodeContext context) =>
        Decode(data, baseOffset, context, null);

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte}, long, TapDecodeContext)"/>, but refills the objects of
    /// <paramref name="reuse"/> instead of allocating new ones (the hot path, where a record is dropped once hashed).
    /// </summary>
    public static CallEvent? Decode(ReadOnlySpan<byte> data, long baseOffset, TapDecodeContext context, DecodeScratch? reuse)
    {
        var pos = 0;
        var element = Ber.Read(data, ref pos, data.Length, baseOffset, 1, context.MaxDepth);
        if (KindOf(element.Tag) is not CallEventKind kind)
        {
            return null;
        }

        if (!element.Constructed)
        {
            Ber.ThrowFormat($"call event {Ber.DescribeTag(element.Tag)} is not constructed", baseOffset);
        }

        CallEvent callEvent;
        if (reuse is null)
        {
            callEvent = new CallEvent { Kind = kind };
        }
        else
        {
            callEvent = reuse.Begin(kind);
        }

        Walk(data, element.ContentStart, element.ContentEnd, baseOffset, 2, context, callEvent, reuse);
        return callEvent;
    }

    private static void Walk(ReadOnlySpan<byte> data, int start, int end, long baseOffset, int depth, TapDecodeContext context, CallEvent ev, DecodeScratch? reuse)
    {
        var pos = start;
        while (pos < end)
        {
            var e = Ber.Read(data, ref pos, end, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                // containers the decoder looks into
                case MoBasicCallInformation or MtBasicCallInformation or ChargeableSubscriber or SimChargeableSubscriber
                    or GsmChargeableSubscriber or Destination or CallOriginator or LocationInformation or NetworkLocation
                    or ImeiOrEsn or BasicServiceUsedList or BasicServiceUsed or BasicService or BasicServiceCode
                    or ChargeInformationList or GprsBasicCallInformation or GprsChargeableSubscriber or GprsDestination
                    or GprsLocationInformation or GprsNetworkLocation or RecEntityCodeList or GprsServiceUsed
                    or SupplServiceUsed or ChargedParty or SessionChargeInfoList or ContentTransactionBasicInfo
                    or ChargedPartyInformation or ChargedPartyIdList or ServingPartiesInformation or ContentServiceUsedList
                    or ContentServiceUsed or LocationServiceUsage or LCSQosRequested or TrackingCustomerInformation
                    or 299 /* TrackingCustomerIdList */ or 362 /* TrackingCustomerIdentification */
                    or 191 /* ScuBasicInformation */ or 430 /* ScuChargeableSubscriber */:
                    RequireConstructed(e, offset);
                    Walk(data, e.ContentStart, e.ContentEnd, baseOffset, depth + 1, context, ev, reuse);
                    break;

                case Imsi:
                    ev.Imsi = Ber.ReadBcd(Primitive(value, e, offset), offset, "Imsi");
                    break;
                case Msisdn:
                    ev.Msisdn = Ber.ReadBcd(Primitive(value, e, offset), offset, "Msisdn");
                    break;
                case Imei:
                    ev.Imei = Ber.ReadBcd(Primitive(value, e, offset), offset, "Imei");
                    break;
                case CalledNumber:
                    ev.OtherPartyNumber = Ber.ReadBcd(Primitive(value, e, offset), offset, "CalledNumber");
                    break;
                case CallingNumber:
                    ev.OtherPartyNumber = Ber.ReadBcd(Primitive(value, e, offset), offset, "CallingNumber");
                    break;
                case DestinationNetwork or OriginatingNetwork:
                    ev.PartnerNetwork = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case CallEventStartTimeStamp or ServiceStartTimestamp or OrderPlacedTimeStamp or 384 /* LCSRequestTimestamp */ or ChargingTimeStamp:
                    RequireConstructed(e, offset);
                    ev.StartTime ??= ReadDateTime(data, e, baseOffset, depth + 1, context, "timestamp");
                    break;
                case TotalCallEventDuration:
                    ev.DurationSeconds = Ber.ReadInteger(Primitive(value, e, offset), offset, "TotalCallEventDuration");
                    break;
                case CauseForTerm:
                    ev.CauseForTerm = Ber.ReadInt32(Primitive(value, e, offset), offset, "CauseForTerm");
                    break;
                case RecEntityCode:
                    ev.RecEntityCodes.Add(Ber.ReadInt32(Primitive(value, e, offset), offset, "RecEntityCode"));
                    break;
                case LocationArea:
                    ev.LocationArea = Ber.ReadInteger(Primitive(value, e, offset), offset, "LocationArea");
                    break;
                case CellId:
                    ev.CellId = Ber.ReadInteger(Primitive(value, e, offset), offset, "CellId");
                    break;
                case TeleServiceCode:
                    ev.TeleServiceCode = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case BearerServiceCode:
                    ev.BearerServiceCode = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case SupplServiceCode:
                    ev.SupplServiceCode = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case SupplServiceActionCode:
                    ev.SupplServiceActionCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "SupplServiceActionCode");
                    break;
                case AccessPointNameNI:
                    ev.AccessPointNameNI = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case AccessPointNameOI:
                    ev.AccessPointNameOI = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case ChargingId:
                    ev.ChargingId = Ber.ReadInteger(Primitive(value, e, offset), offset, "ChargingId");
                    break;
                case DataVolumeIncoming:
                    ev.DataVolumeIncoming = Ber.ReadInteger(Primitive(value, e, offset), offset, "DataVolumeIncoming");
                    break;
                case DataVolumeOutgoing:
                    ev.DataVolumeOutgoing = Ber.ReadInteger(Primitive(value, e, offset), offset, "DataVolumeOutgoing");
                    break;
                case MessagingEventService or MobileSessionService:
                    ev.ServiceType = Ber.ReadInt32(Primitive(value, e, offset), offset, "Service");
                    break;
                case EventReference:
                    ev.EventReference = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case ContentTransactionCode:
                    ev.ContentTransactionCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "ContentTransactionCode");
                    break;
                case ContentTransactionType:
                    ev.ContentTransactionType = Ber.ReadInt32(Primitive(value, e, offset), offset, "ContentTransactionType");
                    break;
                case ContentProviderName:
                    ev.ContentProviderName = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case TransactionIdentifier:
                    ev.TransactionIdentifier = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case 364: // CustomerIdentifier (inside the tracking customer only; the tracked customer is skipped)
                    ev.TrackingCustomerIdentifier = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case ChargedPartyIdentification:
                    RequireConstructed(e, offset);
                    ReadChargedPartyIdentification(data, e, baseOffset, depth + 1, context, ev);
                    break;
                // A MessagingEvent carries its one charge directly: ExchangeRateCode, CallTypeGroup, Charge, TaxInformationList.
                case ExchangeRateCode:
                    DirectCharge(ev, reuse).ExchangeRateCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "ExchangeRateCode");
                    break;
                case CallTypeGroup:
                    RequireConstructed(e, offset);
                    ReadCallTypeGroup(data, e, baseOffset, depth + 1, context, DirectCharge(ev, reuse));
                    break;
                case Charge:
                    DirectCharge(ev, reuse).Details.Add(new ChargeDetail("00", Ber.ReadInteger(Primitive(value, e, offset), offset, "Charge"), null, null));
                    break;
                case TaxInformationList:
                    RequireConstructed(e, offset);
                    ReadTaxList(data, e, baseOffset, depth + 1, context, DirectCharge(ev, reuse));
                    break;
                case TapTags.ChargeInformation or SessionChargeInformation:
                    RequireConstructed(e, offset);
                    ev.Charges.Add(ReadChargeInformation(data, e, baseOffset, depth + 1, context, reuse));
                    break;
                default:
                    // Unmodelled group, operator-specific data or an extension: skipped by its length.
                    break;
            }
        }
    }

    private static ChargeInformation DirectCharge(CallEvent ev, DecodeScratch? reuse)
    {
        if (ev.Charges.Count == 0)
        {
            ev.Charges.Add(reuse?.RentCharge() ?? new ChargeInformation());
        }

        return ev.Charges[0];
    }

    private static void ReadTaxList(ReadOnlySpan<byte> data, BerElement e, long baseOffset, int depth, TapDecodeContext context, ChargeInformation info)
    {
        var p = e.ContentStart;
        while (p < e.ContentEnd)
        {
            var t = Ber.Read(data, ref p, e.ContentEnd, baseOffset, depth, context.MaxDepth);
            if (t.Tag == TaxInformation)
            {
                RequireConstructed(t, baseOffset + t.Start);
                info.Taxes.Add(ReadTax(data, t, baseOffset, depth + 1, context));
            }
        }
    }

    private static void ReadChargedPartyIdentification(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, CallEvent ev)
    {
        int? type = null;
        string? identifier = null;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            if (e.Tag == ChargedPartyIdType)
            {
                type = Ber.ReadInt32(Primitive(data[e.ContentStart..e.ContentEnd], e, offset), offset, "ChargedPartyIdType");
            }
            else if (e.Tag == ChargedPartyIdentifier)
            {
                identifier = Ber.ReadText(Primitive(data[e.ContentStart..e.ContentEnd], e, offset));
            }
        }

        // TD.57 ChargedPartyIdType: 1 IMSI, 2 MSISDN.
        if (type == 1)
        {
            ev.Imsi = identifier;
        }
        else if (type == 2)
        {
            ev.Msisdn = identifier;
        }
    }

    public static ChargeInformation ReadChargeInformation(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, DecodeScratch? reuse)
    {
        var info = reuse?.RentCharge() ?? new ChargeInformation();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case ChargedItem:
                    info.ChargedItem = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case ExchangeRateCode:
                    info.ExchangeRateCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "ExchangeRateCode");
                    break;
                case CallTypeGroup:
                    RequireConstructed(e, offset);
                    ReadCallTypeGroup(data, e, baseOffset, depth + 1, context, info);
                    break;
                case ChargeDetailList:
                    RequireConstructed(e, offset);
                    {
                        var p = e.ContentStart;
                        while (p < e.ContentEnd)
                        {
                            var d = Ber.Read(data, ref p, e.ContentEnd, baseOffset, depth + 1, context.MaxDepth);
                            if (d.Tag == TapTags.ChargeDetail)
                            {
                                RequireConstructed(d, baseOffset + d.Start);
                                info.Details.Add(ReadChargeDetail(data, d, baseOffset, depth + 2, context));
                            }
                        }
                    }

                    break;
                case TapTags.ChargeDetail:
                    RequireConstructed(e, offset);
                    info.Details.Add(ReadChargeDetail(data, e, baseOffset, depth + 1, context));
                    break;
                case TaxInformationList:
                    RequireConstructed(e, offset);
                    ReadTaxList(data, e, baseOffset, depth + 1, context, info);
                    break;
                case DiscountInformation:
                    RequireConstructed(e, offset);
                    ReadDiscount(data, e, baseOffset, depth + 1, context, info);
                    break;
                default:
                    break;
            }
        }

        return info;
    }

    private static void ReadCallTypeGroup(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, ChargeInformation info)
    {
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case CallTypeLevel1:
                    info.CallTypeLevel1 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel1");
                    break;
                case CallTypeLevel2:
                    info.CallTypeLevel2 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel2");
                    break;
                case CallTypeLevel3:
                    info.CallTypeLevel3 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel3");
                    break;
                default:
                    break;
            }
        }
    }

    private static ChargeDetail ReadChargeDetail(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context)
    {
        string? type = null;
        long charge = 0;
        var hasCharge = false;
        long? chargeable = null;
        long? charged = null;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case ChargeType:
                    type = Ber.ReadText(Primitive(value, e, offset));
                    break;
                case Charge:
                    charge = Ber.ReadInteger(Primitive(value, e, offset), offset, "Charge");
                    hasCharge = true;
                    break;
                case ChargeableUnits:
                    chargeable = Ber.ReadInteger(Primitive(value, e, offset), offset, "ChargeableUnits");
                    break;
                case ChargedUnits:
                    charged = Ber.ReadInteger(Primitive(value, e, offset), offset, "ChargedUnits");
                    break;
                default:
                    break;
            }
        }

        if (type is null)
        {
            Ber.ThrowValue("ChargeDetail", "mandatory item ChargeType missing", baseOffset + parent.Start);
        }

        if (!hasCharge)
        {
            Ber.ThrowValue("ChargeDetail", "mandatory item Charge missing", baseOffset + parent.Start);
        }

        return new ChargeDetail(type, charge, chargeable, charged);
    }

    private static TaxItem ReadTax(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context)
    {
        var code = -1;
        long taxValue = 0;
        long? taxable = null;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case TaxCode:
                    code = Ber.ReadInt32(Primitive(value, e, offset), offset, "TaxCode");
                    break;
                case TaxValue:
                    taxValue = Ber.ReadInteger(Primitive(value, e, offset), offset, "TaxValue");
                    break;
                case TaxableAmount:
                    taxable = Ber.ReadInteger(Primitive(value, e, offset), offset, "TaxableAmount");
                    break;
                default:
                    break;
            }
        }

        return new TaxItem(code, taxValue, taxable);
    }

    private static void ReadDiscount(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, ChargeInformation info)
    {
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            if (e.Tag == DiscountCode)
            {
                info.DiscountCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "DiscountCode");
            }
            else if (e.Tag == Discount)
            {
                info.Discount = Ber.ReadInteger(Primitive(value, e, offset), offset, "Discount");
            }
        }
    }

    /// <summary>DateTime (LocalTimeStamp + UtcTimeOffsetCode) or DateTimeLong (LocalTimeStamp + UtcTimeOffset).</summary>
    public static TapTimestamp ReadDateTime(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext? context, string item)
    {
        DateTime? local = null;
        int? code = null;
        int? minutes = null;
        var maxDepth = context?.MaxDepth ?? Ber.DefaultMaxDepth;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case LocalTimeStamp:
                    local = ParseLocal(Primitive(value, e, offset), offset, item);
                    break;
                case UtcTimeOffsetCode:
                    code = Ber.ReadInt32(Primitive(value, e, offset), offset, "UtcTimeOffsetCode");
                    break;
                case UtcTimeOffset:
                    {
                        var raw = Primitive(value, e, offset);
                        if (!TryParseOffset(raw, out var m))
                        {
                            Ber.ThrowValue("UtcTimeOffset", "not of the form +hhmm", offset);
                        }

                        minutes = m;
                    }

                    break;
                default:
                    break;
            }
        }

        if (local is null)
        {
            Ber.ThrowValue(item, "mandatory item LocalTimeStamp missing", baseOffset + parent.Start);
        }

        if (code is int c)
        {
            minutes = context?.ResolveOffset(c);
        }

        return new TapTimestamp(local.Value, code, minutes);
    }

    private static bool TryParseOffset(ReadOnlySpan<byte> raw, out int minutes)
    {
        minutes = 0;
        if (raw.Length != 5)
        {
            return false;
        }

        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < 5; i++)
        {
            chars[i] = (char)raw[i];
        }

        return TapTimestamp.TryParseOffset(chars, out minutes);
    }

    private static DateTime ParseLocal(ReadOnlySpan<byte> text, long offset, string item)
    {
        if (text.Length != 14)
        {
            Ber.ThrowValue(item, $"LocalTimeStamp has {text.Length} characters, CCYYMMDDhhmmss expected", offset);
        }

        var year = Digits(text, 0, 4, offset, item);
        var month = Digits(text, 4, 2, offset, item);
        var day = Digits(text, 6, 2, offset, item);
        var hour = Digits(text, 8, 2, offset, item);
        var minute = Digits(text, 10, 2, offset, item);
        var second = Digits(text, 12, 2, offset, item);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            Ber.ThrowValue(item, "LocalTimeStamp is not a valid date and time", offset);
        }

        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
    }

    private static int Digits(ReadOnlySpan<byte> text, int start, int count, long offset, string item)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < (byte)'0' or > (byte)'9')
            {
                Ber.ThrowValue(item, "LocalTimeStamp contains a non-digit", offset);
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }

    public static ReadOnlySpan<byte> Primitive(ReadOnlySpan<byte> value, in BerElement e, long offset)
    {
        if (e.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(e.Tag), "must be primitive (syntax error)", offset);
        }

        return value;
    }

    public static void RequireConstructed(in BerElement e, long offset)
    {
        if (!e.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(e.Tag), "must be constructed (syntax error)", offset);
        }
    }
}
