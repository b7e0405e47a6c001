using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>Decodes the file-level groups: BatchControlInfo, AccountingInfo, NetworkInfo, AuditControlInfo, Notification.</summary>
internal static class SectionDecoder
{
    public static BatchControl ReadBatchControl(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new BatchControl();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 2, maxDepth);
            ReadBatchItem(data, e, baseOffset, maxDepth, result);
        }

        return result;
    }

    /// <summary>One item of BatchControlInfo or Notification; returns false when the tag is not one of them.</summary>
    public static bool ReadBatchItem(ReadOnlySpan<byte> data, BerElement e, long baseOffset, int maxDepth, BatchControl result)
    {
        var offset = baseOffset + e.Start;
        var value = data[e.ContentStart..e.ContentEnd];
        switch (e.Tag)
        {
            case Sender:
                result.Sender = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                return true;
            case Recipient:
                result.Recipient = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                return true;
            case FileSequenceNumber:
                result.FileSequenceNumber = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                return true;
            case RapFileSequenceNumber:
                result.RapFileSequenceNumber = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                return true;
            case FileTypeIndicator:
                result.FileTypeIndicator = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                return true;
            case SpecificationVersionNumber:
                result.SpecificationVersion = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "SpecificationVersionNumber");
                return true;
            case ReleaseVersionNumber:
                result.ReleaseVersion = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "ReleaseVersionNumber");
                return true;
            case FileCreationTimeStamp:
                CallEventDecoder.RequireConstructed(e, offset);
                result.FileCreationTime = CallEventDecoder.ReadDateTime(data, e, baseOffset, 3, null, "FileCreationTimeStamp");
                return true;
            case TransferCutOffTimeStamp:
                CallEventDecoder.RequireConstructed(e, offset);
                result.TransferCutOffTime = CallEventDecoder.ReadDateTime(data, e, baseOffset, 3, null, "TransferCutOffTimeStamp");
                return true;
            case FileAvailableTimeStamp:
                CallEventDecoder.RequireConstructed(e, offset);
                result.FileAvailableTime = CallEventDecoder.ReadDateTime(data, e, baseOffset, 3, null, "FileAvailableTimeStamp");
                return true;
            default:
                return false;
        }
    }

    public static AccountingInfo ReadAccounting(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new AccountingInfo();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 2, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case LocalCurrency:
                    result.LocalCurrency = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                    break;
                case TapCurrency:
                    result.TapCurrency = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                    break;
                case TapDecimalPlaces:
                    result.TapDecimalPlaces = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "TapDecimalPlaces");
                    break;
                case CurrencyConversionList:
                    CallEventDecoder.RequireConstructed(e, offset);
                    var p = e.ContentStart;
                    while (p < e.ContentEnd)
                    {
                        var c = Ber.Read(data, ref p, e.ContentEnd, baseOffset, 3, maxDepth);
                        if (c.Tag == CurrencyConversion)
                        {
                            CallEventDecoder.RequireConstructed(c, baseOffset + c.Start);
                            result.ExchangeRates.Add(ReadConversion(data, c, baseOffset, maxDepth));
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        return result;
    }

    private static ExchangeRate ReadConversion(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        int code = -1, places = -1;
        long rate = -1;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 4, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case ExchangeRateCode:
                    code = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "ExchangeRateCode");
                    break;
                case NumberOfDecimalPlaces:
                    places = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "NumberOfDecimalPlaces");
                    break;
                case TapTags.ExchangeRate:
                    rate = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "ExchangeRate");
                    break;
                default:
                    break;
            }
        }

        return new ExchangeRate(code, places, rate);
    }

    public static NetworkInfo ReadNetwork(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new NetworkInfo();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 2, maxDepth);
            var offset = baseOffset + e.Start;
            if (e.Tag is not (UtcTimeOffsetInfoList or RecEntityInfoList))
            {
                continue;
            }

            CallEventDecoder.RequireConstructed(e, offset);
            var p = e.ContentStart;
            while (p < e.ContentEnd)
            {
                var item = Ber.Read(data, ref p, e.ContentEnd, baseOffset, 3, maxDepth);
                if (item.Tag == UtcTimeOffsetInfo)
                {
                    CallEventDecoder.RequireConstructed(item, baseOffset + item.Start);
                    result.UtcOffsets.Add(ReadUtcOffsetInfo(data, item, baseOffset, maxDepth));
                }
                else if (item.Tag == RecEntityInformation)
                {
                    CallEventDecoder.RequireConstructed(item, baseOffset + item.Start);
                    result.RecEntities.Add(ReadRecEntity(data, item, baseOffset, maxDepth));
                }
            }
        }

        return result;
    }

    private static UtcOffsetEntry ReadUtcOffsetInfo(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var code = -1;
        var offsetText = string.Empty;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 4, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            if (e.Tag == UtcTimeOffsetCode)
            {
                code = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "UtcTimeOffsetCode");
            }
            else if (e.Tag == UtcTimeOffset)
            {
                offsetText = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
            }
        }

        return new UtcOffsetEntry(code, offsetText);
    }

    private static RecEntity ReadRecEntity(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var code = -1;
        int? type = null;
        string? id = null;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 4, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case RecEntityCode:
                    code = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "RecEntityCode");
                    break;
                case RecEntityType:
                    type = Ber.ReadInt32(CallEventDecoder.Primitive(value, e, offset), offset, "RecEntityType");
                    break;
                case RecEntityId:
                    id = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                    break;
                default:
                    break;
            }
        }

        return new RecEntity(code, type, id);
    }

    public static AuditControl ReadAudit(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new AuditControl();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 2, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case EarliestCallTimeStamp:
                    CallEventDecoder.RequireConstructed(e, offset);
                    result.EarliestCallTime = CallEventDecoder.ReadDateTime(data, e, baseOffset, 3, null, "EarliestCallTimeStamp");
                    break;
                case LatestCallTimeStamp:
                    CallEventDecoder.RequireConstructed(e, offset);
                    result.LatestCallTime = CallEventDecoder.ReadDateTime(data, e, baseOffset, 3, null, "LatestCallTimeStamp");
                    break;
                case TotalCharge:
                    result.TotalCharge = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalCharge");
                    break;
                case TotalChargeRefund:
                    result.TotalChargeRefund = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalChargeRefund");
                    break;
                case TotalTaxRefund:
                    result.TotalTaxRefund = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalTaxRefund");
                    break;
                case TotalTaxValue:
                    result.TotalTaxValue = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalTaxValue");
                    break;
                case TotalDiscountValue:
                    result.TotalDiscountValue = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalDiscountValue");
                    break;
                case TotalDiscountRefund:
                    result.TotalDiscountRefund = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalDiscountRefund");
                    break;
                case CallEventDetailsCount:
                    result.CallEventDetailsCount = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "CallEventDetailsCount");
                    break;
                case TotalChargeValueList:
                    CallEventDecoder.RequireConstructed(e, offset);
                    ReadTotalChargeValueList(data, e, baseOffset, maxDepth, result);
                    break;
                default:
                    break;
            }
        }

        return result;
    }

    /// <summary>TAP 3.10 and earlier: a list of (ChargeType, AbsoluteAmount [APPLICATION 241]); type 00 is the total.</summary>
    private static void ReadTotalChargeValueList(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth, AuditControl result)
    {
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var item = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, 3, maxDepth);
            if (item.Tag != TotalChargeValue)
            {
                continue;
            }

            CallEventDecoder.RequireConstructed(item, baseOffset + item.Start);
            string? type = null;
            long? amount = null;
            long? refund = null;
            var p = item.ContentStart;
            while (p < item.ContentEnd)
            {
                var e = Ber.Read(data, ref p, item.ContentEnd, baseOffset, 4, maxDepth);
                var offset = baseOffset + e.Start;
                var value = data[e.ContentStart..e.ContentEnd];
                if (e.Tag == ChargeType)
                {
                    type = Ber.ReadText(CallEventDecoder.Primitive(value, e, offset));
                }
                else if (e.Tag == AbsoluteAmount310)
                {
                    amount = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalCharge");
                }
                else if (e.Tag == TotalChargeRefund)
                {
                    refund = Ber.ReadInteger(CallEventDecoder.Primitive(value, e, offset), offset, "TotalChargeRefund");
                }
            }

            if (type == "00")
            {
                result.TotalCharge = (result.TotalCharge ?? 0) + (amount ?? 0);
                if (refund is long r)
                {
                    result.TotalChargeRefund = (result.TotalChargeRefund ?? 0) + r;
                }
            }
        }
    }
}
