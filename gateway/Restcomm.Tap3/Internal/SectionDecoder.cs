using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>Decodes the file-level groups: BatchControlInfo, AccountingInfo, NetworkInfo, AuditControlInfo, Notification.</summary>
internal static class SectionDecoder
{
    public static BatchControl ReadBatchControl(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new BatchControl();
        var c = new BerChildren(data, parent, baseOffset, 2, maxDepth);
        while (c.MoveNext())
        {
            ReadBatchItem(ref c, result);
        }

        return result;
    }

    /// <summary>One item of BatchControlInfo or Notification; returns false when the tag is not one of them.</summary>
    public static bool ReadBatchItem(ref BerChildren c, BatchControl result)
    {
        switch (c.Tag)
        {
            case Sender:
                result.Sender = c.Text();
                return true;
            case Recipient:
                result.Recipient = c.Text();
                return true;
            case FileSequenceNumber:
                result.FileSequenceNumber = c.Text();
                return true;
            case RapFileSequenceNumber:
                result.RapFileSequenceNumber = c.Text();
                return true;
            case FileTypeIndicator:
                result.FileTypeIndicator = c.Text();
                return true;
            case SpecificationVersionNumber:
                result.SpecificationVersion = c.Int32("SpecificationVersionNumber");
                return true;
            case ReleaseVersionNumber:
                result.ReleaseVersion = c.Int32("ReleaseVersionNumber");
                return true;
            case FileCreationTimeStamp:
                result.FileCreationTime = c.Timestamp("FileCreationTimeStamp");
                return true;
            case TransferCutOffTimeStamp:
                result.TransferCutOffTime = c.Timestamp("TransferCutOffTimeStamp");
                return true;
            case FileAvailableTimeStamp:
                result.FileAvailableTime = c.Timestamp("FileAvailableTimeStamp");
                return true;
            default:
                return false;
        }
    }

    public static AccountingInfo ReadAccounting(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int maxDepth)
    {
        var result = new AccountingInfo();
        var c = new BerChildren(data, parent, baseOffset, 2, maxDepth);
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case LocalCurrency:
                    result.LocalCurrency = c.Text();
                    break;
                case TapCurrency:
                    result.TapCurrency = c.Text();
                    break;
                case TapDecimalPlaces:
                    result.TapDecimalPlaces = c.Int32("TapDecimalPlaces");
                    break;
                case CurrencyConversionList:
                    var list = c.Children();
                    while (list.MoveNext())
                    {
                        if (list.Tag == CurrencyConversion)
                        {
                            result.ExchangeRates.Add(ReadConversion(list.Children()));
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        return result;
    }

    private static ExchangeRate ReadConversion(BerChildren c)
    {
        int code = -1, places = -1;
        long rate = -1;
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case ExchangeRateCode:
                    code = c.Int32("ExchangeRateCode");
                    break;
                case NumberOfDecimalPlaces:
                    places = c.Int32("NumberOfDecimalPlaces");
                    break;
                case TapTags.ExchangeRate:
                    rate = c.Integer("ExchangeRate");
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
        var c = new BerChildren(data, parent, baseOffset, 2, maxDepth);
        while (c.MoveNext())
        {
            if (c.Tag is not (UtcTimeOffsetInfoList or RecEntityInfoList))
            {
                continue;
            }

            var list = c.Children();
            while (list.MoveNext())
            {
                if (list.Tag == UtcTimeOffsetInfo)
                {
                    result.UtcOffsets.Add(ReadUtcOffsetInfo(list.Children()));
                }
                else if (list.Tag == RecEntityInformation)
                {
                    result.RecEntities.Add(ReadRecEntity(list.Children()));
                }
            }
        }

        return result;
    }

    private static UtcOffsetEntry ReadUtcOffsetInfo(BerChildren c)
    {
        var code = -1;
        var offsetText = string.Empty;
        while (c.MoveNext())
        {
            if (c.Tag == UtcTimeOffsetCode)
            {
                code = c.Int32("UtcTimeOffsetCode");
            }
            else if (c.Tag == UtcTimeOffset)
            {
                offsetText = c.Text();
            }
        }

        return new UtcOffsetEntry(code, offsetText);
    }

    private static RecEntity ReadRecEntity(BerChildren c)
    {
        var code = -1;
        int? type = null;
        string? id = null;
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case RecEntityCode:
                    code = c.Int32("RecEntityCode");
                    break;
                case RecEntityType:
                    type = c.Int32("RecEntityType");
                    break;
                case RecEntityId:
                    id = c.Text();
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
        var c = new BerChildren(data, parent, baseOffset, 2, maxDepth);
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case EarliestCallTimeStamp:
                    result.EarliestCallTime = c.Timestamp("EarliestCallTimeStamp");
                    break;
                case LatestCallTimeStamp:
                    result.LatestCallTime = c.Timestamp("LatestCallTimeStamp");
                    break;
                case TotalCharge:
                    result.TotalCharge = c.Integer("TotalCharge");
                    break;
                case TotalChargeRefund:
                    result.TotalChargeRefund = c.Integer("TotalChargeRefund");
                    break;
                case TotalTaxRefund:
                    result.TotalTaxRefund = c.Integer("TotalTaxRefund");
                    break;
                case TotalTaxValue:
                    result.TotalTaxValue = c.Integer("TotalTaxValue");
                    break;
                case TotalDiscountValue:
                    result.TotalDiscountValue = c.Integer("TotalDiscountValue");
                    break;
                case TotalDiscountRefund:
                    result.TotalDiscountRefund = c.Integer("TotalDiscountRefund");
                    break;
                case CallEventDetailsCount:
                    result.CallEventDetailsCount = c.Integer("CallEventDetailsCount");
                    break;
                case TotalChargeValueList:
                    ReadTotalChargeValueList(c.Children(), result);
                    break;
                case OperatorSpecInfoList:
                    var list = c.Children();
                    while (list.MoveNext())
                    {
                        if (list.Tag == TapTags.OperatorSpecInformation)
                        {
                            result.OperatorSpecInformation.Add(list.Text());
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        return result;
    }

    /// <summary>TAP 3.10 and earlier: a list of (ChargeType, AbsoluteAmount [APPLICATION 241]); type 00 is the total.</summary>
    private static void ReadTotalChargeValueList(BerChildren list, AuditControl result)
    {
        while (list.MoveNext())
        {
            if (list.Tag != TotalChargeValue)
            {
                continue;
            }

            string? type = null;
            long? amount = null;
            long? refund = null;
            var c = list.Children();
            while (c.MoveNext())
            {
                if (c.Tag == ChargeType)
                {
                    type = c.Text();
                }
                else if (c.Tag == AbsoluteAmount310)
                {
                    amount = c.Integer("TotalCharge");
                }
                else if (c.Tag == TotalChargeRefund)
                {
                    refund = c.Integer("TotalChargeRefund");
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
