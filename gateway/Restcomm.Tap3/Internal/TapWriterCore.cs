using System.Globalization;
using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>Writes TAP 3.12 groups and call events with a <see cref="BerWriter"/>, in the ASN.1 element order.</summary>
internal static class TapWriterCore
{
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
        if (a.ExchangeRates.Count > 0)
        {
            w.Begin(CurrencyConversionList);
            foreach (var rate in a.ExchangeRates)
            {
                w.Begin(CurrencyConversion);
                w.Integer(ExchangeRateCode, rate.Code);
                w.Integer(NumberOfDecimalPlaces, rate.DecimalPlaces);
                w.Integer(TapTags.ExchangeRate, rate.Rate);
                w.End();
            }

            w.End();
        }

        w.Integer(TapDecimalPlaces, a.TapDecimalPlaces);
        w.End();
    }

    public static void WriteNetwork(BerWriter w, NetworkInfo n)
    {
        w.Begin(TapTags.NetworkInfo);
        if (n.UtcOffsets.Count > 0)
        {
            w.Begin(UtcTimeOffsetInfoList);
            foreach (var entry in n.UtcOffsets)
            {
                w.Begin(UtcTimeOffsetInfo);
                w.Integer(UtcTimeOffsetCode, entry.Code);
                w.Text(UtcTimeOffset, entry.Offset);
                w.End();
            }

            w.End();
        }

        if (n.RecEntities.Count > 0)
        {
            w.Begin(RecEntityInfoList);
            foreach (var entity in n.RecEntities)
            {
                w.Begin(RecEntityInformation);
                w.Integer(RecEntityCode, entity.Code);
                w.Integer(RecEntityType, entity.Type);
                w.Text(RecEntityId, entity.Id);
                w.End();
            }

            w.End();
        }

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

    private static void WriteDateTime(BerWriter w, int tag, TapTimestamp? t)
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

    private static void WriteSimSubscriber(BerWriter w, CallEvent e)
    {
        w.Begin(ChargeableSubscriber);
        w.Begin(SimChargeableSubscriber);
        w.Bcd(Imsi, e.Imsi);
        w.Bcd(Msisdn, e.Msisdn);
        w.End();
        w.End();
    }

    private static void WriteImei(BerWriter w, CallEvent e)
    {
        if (e.Imei is not null)
        {
            w.Begin(ImeiOrEsn);
            w.Bcd(Imei, e.Imei);
            w.End();
        }
    }

    private static void WriteLocation(BerWriter w, CallEvent e)
    {
        w.Begin(LocationInformation);
        w.Begin(NetworkLocation);
        if (e.RecEntityCodes.Count > 0)
        {
            w.Integer(RecEntityCode, e.RecEntityCodes[0]);
        }

        w.Integer(LocationArea, e.LocationArea);
        w.Integer(CellId, e.CellId);
        w.End();
        w.End();
    }

    private static void WriteRecEntityList(BerWriter w, CallEvent e)
    {
        if (e.RecEntityCodes.Count == 0)
        {
            return;
        }

        w.Begin(RecEntityCodeList);
        foreach (var code in e.RecEntityCodes)
        {
            w.Integer(RecEntityCode, code);
        }

        w.End();
    }

    private static void WriteChargeList(BerWriter w, CallEvent e)
    {
        if (e.Charges.Count == 0)
        {
            return;
        }

        w.Begin(ChargeInformationList);
        foreach (var charge in e.Charges)
        {
            WriteChargeInformation(w, TapTags.ChargeInformation, charge);
        }

        w.End();
    }

    private static void WriteChargeInformation(BerWriter w, int tag, ChargeInformation c)
    {
        w.Begin(tag);
        w.Text(ChargedItem, c.ChargedItem);
        w.Integer(ExchangeRateCode, c.ExchangeRateCode);
        WriteCallTypeGroup(w, c);
        if (c.Details.Count > 0)
        {
            w.Begin(ChargeDetailList);
            foreach (var d in c.Details)
            {
                w.Begin(TapTags.ChargeDetail);
                w.Text(ChargeType, d.ChargeType);
                w.Integer(Charge, d.Charge);
                w.Integer(ChargeableUnits, d.ChargeableUnits);
                w.Integer(ChargedUnits, d.ChargedUnits);
                w.End();
            }

            w.End();
        }

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

    private static void WriteCallTypeGroup(BerWriter w, ChargeInformation c)
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

    private static void WriteTaxes(BerWriter w, ChargeInformation c)
    {
        if (c.Taxes.Count == 0)
        {
            return;
        }

        w.Begin(TaxInformationList);
        foreach (var t in c.Taxes)
        {
            w.Begin(TaxInformation);
            w.Integer(TaxCode, t.TaxCode);
            w.Integer(TaxValue, t.TaxValue);
            w.Integer(TaxableAmount, t.TaxableAmount);
            w.End();
        }

        w.End();
    }

    private static void WriteChargedParty(BerWriter w, CallEvent e)
    {
        w.Begin(ChargedParty);
        w.Bcd(Imsi, e.Imsi);
        w.Bcd(Msisdn, e.Msisdn);
        w.Bcd(Imei, e.Imei);
        w.End();
    }

    public static void WriteCallEvent(BerWriter w, CallEvent e)
    {
        switch (e.Kind)
        {
            case CallEventKind.MobileOriginatedCall or CallEventKind.MobileTerminatedCall:
                var moc = e.Kind == CallEventKind.MobileOriginatedCall;
                w.Begin(moc ? MobileOriginatedCall : MobileTerminatedCall);
                w.Begin(moc ? MoBasicCallInformation : MtBasicCallInformation);
                WriteSimSubscriber(w, e);
                if (e.OtherPartyNumber is not null)
                {
                    w.Begin(moc ? Destination : CallOriginator);
                    w.Bcd(moc ? CalledNumber : CallingNumber, e.OtherPartyNumber);
                    w.End();
                }

                w.Text(moc ? DestinationNetwork : OriginatingNetwork, e.PartnerNetwork);
                WriteDateTime(w, CallEventStartTimeStamp, e.StartTime);
                w.Integer(TotalCallEventDuration, e.DurationSeconds);
                w.Integer(CauseForTerm, e.CauseForTerm);
                w.End();
                WriteLocation(w, e);
                WriteImei(w, e);
                w.Begin(BasicServiceUsedList);
                w.Begin(BasicServiceUsed);
                w.Begin(BasicService);
                w.Begin(BasicServiceCode);
                if (e.TeleServiceCode is not null)
                {
                    w.Text(TeleServiceCode, e.TeleServiceCode);
                }
                else
                {
                    w.Text(BearerServiceCode, e.BearerServiceCode);
                }

                w.End();
                w.End();
                WriteChargeList(w, e);
                w.End();
                w.End();
                w.End();
                break;

            case CallEventKind.GprsCall:
                w.Begin(GprsCall);
                w.Begin(GprsBasicCallInformation);
                w.Begin(GprsChargeableSubscriber);
                WriteSimSubscriber(w, e);
                w.End();
                w.Begin(GprsDestination);
                w.Text(AccessPointNameNI, e.AccessPointNameNI);
                w.Text(AccessPointNameOI, e.AccessPointNameOI);
                w.End();
                WriteDateTime(w, CallEventStartTimeStamp, e.StartTime);
                w.Integer(TotalCallEventDuration, e.DurationSeconds);
                w.Integer(CauseForTerm, e.CauseForTerm);
                w.Integer(ChargingId, e.ChargingId);
                w.End();
                w.Begin(GprsLocationInformation);
                w.Begin(GprsNetworkLocation);
                WriteRecEntityList(w, e);
                w.Integer(LocationArea, e.LocationArea);
                w.Integer(CellId, e.CellId);
                w.End();
                w.End();
                WriteImei(w, e);
                w.Begin(GprsServiceUsed);
                w.Integer(DataVolumeIncoming, e.DataVolumeIncoming);
                w.Integer(DataVolumeOutgoing, e.DataVolumeOutgoing);
                WriteChargeList(w, e);
                w.End();
                w.End();
                break;

            case CallEventKind.SupplementaryServiceEvent:
                w.Begin(SupplServiceEvent);
                WriteSimSubscriber(w, e);
                WriteLocation(w, e);
                WriteImei(w, e);
                w.Begin(SupplServiceUsed);
                w.Text(SupplServiceCode, e.SupplServiceCode);
                w.Integer(SupplServiceActionCode, e.SupplServiceActionCode);
                WriteDateTime(w, ChargingTimeStamp, e.StartTime);
                if (e.Charges.Count > 0)
                {
                    WriteChargeInformation(w, TapTags.ChargeInformation, e.Charges[0]);
                }

                w.End();
                w.End();
                break;

            case CallEventKind.ServiceCentreUsage:
                w.Begin(ServiceCentreUsage);
                w.Begin(191);
                w.Begin(430);
                w.Begin(GsmChargeableSubscriber);
                w.Bcd(Imsi, e.Imsi);
                w.Bcd(Msisdn, e.Msisdn);
                w.End();
                w.End();
                w.End();
                if (e.RecEntityCodes.Count > 0)
                {
                    w.Integer(RecEntityCode, e.RecEntityCodes[0]);
                }

                if (e.Charges.Count > 0)
                {
                    WriteChargeInformation(w, TapTags.ChargeInformation, e.Charges[0]);
                }

                w.End();
                break;

            case CallEventKind.MessagingEvent:
                w.Begin(MessagingEvent);
                w.Integer(MessagingEventService, e.ServiceType);
                WriteChargedParty(w, e);
                w.Text(EventReference, e.EventReference);
                WriteRecEntityList(w, e);
                w.Integer(LocationArea, e.LocationArea);
                w.Integer(CellId, e.CellId);
                WriteDateTime(w, ServiceStartTimestamp, e.StartTime);
                if (e.Charges.Count > 0)
                {
                    var c = e.Charges[0];
                    w.Integer(ExchangeRateCode, c.ExchangeRateCode);
                    WriteCallTypeGroup(w, c);
                    if (c.Details.Count > 0)
                    {
                        w.Integer(Charge, c.Details[0].Charge);
                    }

                    WriteTaxes(w, c);
                }

                w.End();
                break;

            case CallEventKind.MobileSession:
                w.Begin(MobileSession);
                w.Integer(MobileSessionService, e.ServiceType);
                WriteChargedParty(w, e);
                w.Integer(LocationArea, e.LocationArea);
                w.Integer(CellId, e.CellId);
                w.Text(EventReference, e.EventReference);
                WriteRecEntityList(w, e);
                WriteDateTime(w, ServiceStartTimestamp, e.StartTime);
                w.Integer(CauseForTerm, e.CauseForTerm);
                w.Integer(TotalCallEventDuration, e.DurationSeconds);
                if (e.Charges.Count > 0)
                {
                    w.Begin(SessionChargeInfoList);
                    foreach (var c in e.Charges)
                    {
                        WriteChargeInformation(w, SessionChargeInformation, c);
                    }

                    w.End();
                }

                w.End();
                break;

            case CallEventKind.ContentTransaction:
                w.Begin(ContentTransaction);
                w.Begin(ContentTransactionBasicInfo);
                WriteDateTime(w, OrderPlacedTimeStamp, e.StartTime);
                w.End();
                w.Begin(ChargedPartyInformation);
                w.Begin(ChargedPartyIdList);
                if (e.Imsi is not null)
                {
                    w.Begin(ChargedPartyIdentification);
                    w.Integer(ChargedPartyIdType, 1);
                    w.Text(ChargedPartyIdentifier, e.Imsi);
                    w.End();
                }

                if (e.Msisdn is not null)
                {
                    w.Begin(ChargedPartyIdentification);
                    w.Integer(ChargedPartyIdType, 2);
                    w.Text(ChargedPartyIdentifier, e.Msisdn);
                    w.End();
                }

                w.End();
                w.End();
                w.Begin(ServingPartiesInformation);
                w.Text(ContentProviderName, e.ContentProviderName);
                w.End();
                w.Begin(ContentServiceUsedList);
                w.Begin(ContentServiceUsed);
                w.Integer(ContentTransactionCode, e.ContentTransactionCode);
                w.Integer(ContentTransactionType, e.ContentTransactionType);
                w.Text(TransactionIdentifier, e.TransactionIdentifier);
                WriteChargeList(w, e);
                w.End();
                w.End();
                w.End();
                break;

            case CallEventKind.LocationService:
                w.Begin(LocationService);
                if (e.RecEntityCodes.Count > 0)
                {
                    w.Integer(RecEntityCode, e.RecEntityCodes[0]);
                }

                if (e.TrackingCustomerIdentifier is not null)
                {
                    w.Begin(TrackingCustomerInformation);
                    w.Begin(299);
                    w.Begin(362);
                    w.Integer(363, 1);
                    w.Text(364, e.TrackingCustomerIdentifier);
                    w.End();
                    w.End();
                    w.End();
                }

                w.Begin(LocationServiceUsage);
                w.Begin(LCSQosRequested);
                WriteDateTime(w, 384, e.StartTime);
                w.End();
                WriteChargeList(w, e);
                w.End();
                w.End();
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "unknown call event kind");
        }
    }
}
