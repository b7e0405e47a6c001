using System.Globalization;
using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>Writes TAP 3.12 groups and call events with a <see cref="BerWriter"/>, in the ASN.1 element order.</summary>
internal static class TapWriterCore
{
    /// <summary>The groups before the call events: BatchControlInfo, AccountingInfo, NetworkInfo (those present).</summary>
    public static void WriteHeaderGroups(BerWriter w, TapHeader header)
    {
        if (header.BatchControl is { } batch)
        {
            WriteBatchControl(w, batch);
        }

        if (header.Accounting is { } accounting)
        {
            WriteAccounting(w, accounting);
        }

        if (header.Network is { } network)
        {
            WriteNetwork(w, network);
        }
    }

    public static void WriteBatchControl(BerWriter w, BatchControl bc)
    {
        w.Begin(BatchControlInfo);
        w.Text(Sender, bc.Sender);
        w.Text(Recipient, bc.Recipient);
        w.Text(FileSequenceNumber, bc.FileSequenceNumber);
        WriteDateTimeLong(w, FileCreationTimeStamp, bc.FileCreationTime);
        WriteDateTimeLong(w, TransferCutOffTimeStamp, bc.TransferCutOffTime);
        WriteDateTimeLong(w, FileAvailableTimeStamp, bc.FileAvailableTime);
        w.Integer(SpecificationVersionNumber, bc.SpecificationVersion);
        w.Integer(ReleaseVersionNumber, bc.ReleaseVersion);
        w.Text(FileTypeIndicator, bc.FileTypeIndicator);
        w.Text(RapFileSequenceNumber, bc.RapFileSequenceNumber);
        w.End();
    }

    public static void WriteAccounting(BerWriter w, AccountingInfo a)
    {
        w.Begin(TapTags.AccountingInfo);
        w.Text(LocalCurrency, a.LocalCurrency);
        w.Text(TapCurrency, a.TapCurrency);
        WriteList(w, CurrencyConversionList, CurrencyConversion, a.ExchangeRates, static (w, rate) =>
        {
            w.Integer(ExchangeRateCode, rate.Code);
            w.Integer(NumberOfDecimalPlaces, rate.DecimalPlaces);
            w.Integer(TapTags.ExchangeRate, rate.Rate);
        });

        w.Integer(TapDecimalPlaces, a.TapDecimalPlaces);
        w.End();
    }

    public static void WriteNetwork(BerWriter w, NetworkInfo n)
    {
        w.Begin(TapTags.NetworkInfo);
        WriteList(w, UtcTimeOffsetInfoList, UtcTimeOffsetInfo, n.UtcOffsets, static (w, entry) =>
        {
            w.Integer(UtcTimeOffsetCode, entry.Code);
            w.Text(UtcTimeOffset, entry.Offset);
        });
        WriteList(w, RecEntityInfoList, RecEntityInformation, n.RecEntities, static (w, entity) =>
        {
            w.Integer(RecEntityCode, entity.Code);
            w.Integer(RecEntityType, entity.Type);
            w.Text(RecEntityId, entity.Id);
        });

        w.End();
    }

    public static void WriteAudit(BerWriter w, AuditControl a)
    {
        w.Begin(AuditControlInfo);
        WriteDateTimeLong(w, EarliestCallTimeStamp, a.EarliestCallTime);
        WriteDateTimeLong(w, LatestCallTimeStamp, a.LatestCallTime);
        w.Integer(TotalCharge, a.TotalCharge);
        w.Integer(TotalChargeRefund, a.TotalChargeRefund);
        w.Integer(TotalTaxRefund, a.TotalTaxRefund);
        w.Integer(TotalTaxValue, a.TotalTaxValue);
        w.Integer(TotalDiscountValue, a.TotalDiscountValue);
        w.Integer(TotalDiscountRefund, a.TotalDiscountRefund);
        w.Integer(CallEventDetailsCount, a.CallEventDetailsCount);
        if (a.OperatorSpecInformation.Count > 0)
        {
            w.Begin(OperatorSpecInfoList);
            foreach (var text in a.OperatorSpecInformation)
            {
                w.Text(OperatorSpecInformation, text);
            }

            w.End();
        }

        w.End();
    }

    public static void WriteDateTimeLong(BerWriter w, int tag, TapTimestamp? t)
    {
        if (t is not TapTimestamp ts)
        {
            return;
        }

        w.Begin(tag);
        w.Text(LocalTimeStamp, ts.LocalText);
        w.Text(UtcTimeOffset, ts.UtcOffset ?? "+0000");
        w.End();
    }

    public static void WriteDateTime(BerWriter w, int tag, TapTimestamp? t)
    {
        if (t is not TapTimestamp ts)
        {
            return;
        }

        w.Begin(tag);
        w.Text(LocalTimeStamp, ts.LocalTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        w.Integer(UtcTimeOffsetCode, ts.UtcOffsetCode ?? 0);
        w.End();
    }

    public static void WriteChargeInformation(BerWriter w, int tag, ChargeInformation c)
    {
        w.Begin(tag);
        w.Text(ChargedItem, c.ChargedItem);
        w.Integer(ExchangeRateCode, c.ExchangeRateCode);
        WriteCallTypeGroup(w, c);
        WriteList(w, ChargeDetailList, TapTags.ChargeDetail, c.Details, static (w, d) =>
        {
            w.Text(ChargeType, d.ChargeType);
            w.Integer(Charge, d.Charge);
            w.Integer(ChargeableUnits, d.ChargeableUnits);
            w.Integer(ChargedUnits, d.ChargedUnits);
        });

        WriteTaxes(w, c);
        if (tag == TapTags.ChargeInformation && (c.DiscountCode is not null || c.Discount is not null))
        {
            w.Begin(DiscountInformation);
            w.Integer(DiscountCode, c.DiscountCode);
            w.Integer(Discount, c.Discount);
            w.End();
        }

        w.End();
    }

    public static void WriteCallTypeGroup(BerWriter w, ChargeInformation c)
    {
        if (c.CallTypeLevel1 is null && c.CallTypeLevel2 is null && c.CallTypeLevel3 is null)
        {
            return;
        }

        w.Begin(CallTypeGroup);
        w.Integer(CallTypeLevel1, c.CallTypeLevel1);
        w.Integer(CallTypeLevel2, c.CallTypeLevel2);
        w.Integer(CallTypeLevel3, c.CallTypeLevel3);
        w.End();
    }

    public static void WriteTaxes(BerWriter w, ChargeInformation c) =>
        WriteList(w, TaxInformationList, TaxInformation, c.Taxes, static (w, t) =>
        {
            w.Integer(TaxCode, t.TaxCode);
            w.Integer(TaxValue, t.TaxValue);
            w.Integer(TaxableAmount, t.TaxableAmount);
        });

    /// <summary>A list group of item groups, left out when <paramref name="items"/> is empty.</summary>
    private static void WriteList<T>(BerWriter w, int listTag, int itemTag, IList<T> items, Action<BerWriter, T> writeItem)
    {
        if (items.Count == 0)
        {
            return;
        }

        w.Begin(listTag);
        foreach (var item in items)
        {
            w.Begin(itemTag);
            writeItem(w, item);
            w.End();
        }

        w.End();
    }

    public static void WriteCallEvent(BerWriter w, CallEvent e) => CallEventSchema.Write(w, e);
}
