using System.Text.Json;
using Restcomm.Tap3;

namespace Restcomm.Cli.Tap;

/// <summary>JSON shapes of <c>restcomm tap inspect</c> and <c>validate --json</c>.</summary>
internal static class JsonOutput
{
    public static void WriteHeader(Utf8JsonWriter json, TapHeader header)
    {
        json.WriteString("kind", header.Kind == TapFileKind.TransferBatch ? "transferBatch" : "notification");
        json.WriteString("version", header.Version.ToString());
        if (header.BatchControl is { } bc)
        {
            json.WriteStartObject(header.Kind == TapFileKind.TransferBatch ? "batchControlInfo" : "notification");
            Text(json, "sender", bc.Sender);
            Text(json, "recipient", bc.Recipient);
            Text(json, "fileSequenceNumber", bc.FileSequenceNumber);
            Time(json, "fileCreationTimeStamp", bc.FileCreationTime);
            Time(json, "transferCutOffTimeStamp", bc.TransferCutOffTime);
            Time(json, "fileAvailableTimeStamp", bc.FileAvailableTime);
            Number(json, "specificationVersionNumber", bc.SpecificationVersion);
            Number(json, "releaseVersionNumber", bc.ReleaseVersion);
            Text(json, "fileTypeIndicator", bc.FileTypeIndicator);
            Text(json, "rapFileSequenceNumber", bc.RapFileSequenceNumber);
            json.WriteEndObject();
        }

        if (header.Accounting is { } acc)
        {
            json.WriteStartObject("accountingInfo");
            Text(json, "localCurrency", acc.LocalCurrency);
            Text(json, "tapCurrency", acc.TapCurrency);
            Number(json, "tapDecimalPlaces", acc.TapDecimalPlaces);
            json.WriteStartArray("currencyConversion");
            foreach (var rate in acc.ExchangeRates)
            {
                json.WriteStartObject();
                json.WriteNumber("exchangeRateCode", rate.Code);
                json.WriteNumber("numberOfDecimalPlaces", rate.DecimalPlaces);
                json.WriteNumber("exchangeRate", rate.Rate);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (header.Network is { } net)
        {
            json.WriteStartObject("networkInfo");
            json.WriteStartArray("utcTimeOffsets");
            foreach (var entry in net.UtcOffsets)
            {
                json.WriteStartObject();
                json.WriteNumber("code", entry.Code);
                json.WriteString("offset", entry.Offset);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("recEntities");
            foreach (var entity in net.RecEntities)
            {
                json.WriteStartObject();
                json.WriteNumber("code", entity.Code);
                Number(json, "type", entity.Type);
                Text(json, "id", entity.Id);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    public static void WriteEvent(Utf8JsonWriter json, TapRecordChunk chunk, int i)
    {
        json.WriteStartObject();
        json.WriteNumber("index", chunk.FirstIndex + i);
        json.WriteNumber("offset", chunk.GetOffset(i));
        if (chunk.GetEvent(i) is not { } e)
        {
            json.WriteString("type", "undecodable");
            json.WriteBoolean("rejected", chunk.IsRejected(i));
            json.WriteEndObject();
            return;
        }

        json.WriteString("type", e.Kind.ToString());
        json.WriteBoolean("rejected", chunk.IsRejected(i));
        json.WriteString("hash", Convert.ToHexStringLower(chunk.GetHash(i)));
        foreach (var field in CallEventField.All)
        {
            switch (field.Type)
            {
                case CallEventFieldType.Text or CallEventFieldType.Digits:
                    Text(json, field.Name, field.GetText(e));
                    break;
                case CallEventFieldType.Integer or CallEventFieldType.Integer32:
                    Number(json, field.Name, field.GetInteger(e));
                    break;
                case CallEventFieldType.Timestamp:
                    Time(json, field.Name, e.StartTime);
                    break;
                case CallEventFieldType.IntegerList when e.RecEntityCodes.Count > 0:
                    json.WriteStartArray(field.Name);
                    foreach (var code in e.RecEntityCodes)
                    {
                        json.WriteNumberValue(code);
                    }

                    json.WriteEndArray();
                    break;
                default:
                    break;
            }
        }

        json.WriteStartArray("charges");
        foreach (var charge in e.Charges)
        {
            json.WriteStartObject();
            Text(json, "chargedItem", charge.ChargedItem);
            Number(json, "exchangeRateCode", charge.ExchangeRateCode);
            Number(json, "callTypeLevel1", charge.CallTypeLevel1);
            Number(json, "callTypeLevel2", charge.CallTypeLevel2);
            Number(json, "callTypeLevel3", charge.CallTypeLevel3);
            json.WriteStartArray("details");
            foreach (var d in charge.Details)
            {
                json.WriteStartObject();
                json.WriteString("chargeType", d.ChargeType);
                json.WriteNumber("charge", d.Charge);
                if (charge.ExchangeRateCode is int code && chunk.Header.Accounting is { } acc && acc.TryConvertToLocal(d.Charge, code, out var local))
                {
                    json.WriteString("localCharge", local.ToString());
                }

                Number(json, "chargeableUnits", d.ChargeableUnits);
                Number(json, "chargedUnits", d.ChargedUnits);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (charge.Taxes.Count > 0)
            {
                json.WriteStartArray("taxes");
                foreach (var t in charge.Taxes)
                {
                    json.WriteStartObject();
                    json.WriteNumber("taxCode", t.TaxCode);
                    json.WriteNumber("taxValue", t.TaxValue);
                    Number(json, "taxableAmount", t.TaxableAmount);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            Number(json, "discountCode", charge.DiscountCode);
            Number(json, "discount", charge.Discount);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteAudit(Utf8JsonWriter json, AuditControl? audit)
    {
        if (audit is null)
        {
            return;
        }

        json.WriteStartObject("auditControlInfo");
        Time(json, "earliestCallTimeStamp", audit.EarliestCallTime);
        Time(json, "latestCallTimeStamp", audit.LatestCallTime);
        Number(json, "totalCharge", audit.TotalCharge);
        Number(json, "totalChargeRefund", audit.TotalChargeRefund);
        Number(json, "totalTaxRefund", audit.TotalTaxRefund);
        Number(json, "totalTaxValue", audit.TotalTaxValue);
        Number(json, "totalDiscountValue", audit.TotalDiscountValue);
        Number(json, "totalDiscountRefund", audit.TotalDiscountRefund);
        Number(json, "callEventDetailsCount", audit.CallEventDetailsCount);
        if (audit.OperatorSpecInformation.Count > 0)
        {
            json.WriteStartArray("operatorSpecInformation");
            foreach (var text in audit.OperatorSpecInformation)
            {
                json.WriteStringValue(text);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public static void WriteTotals(Utf8JsonWriter json, TapProcessingResult result)
    {
        json.WriteStartObject("totals");
        json.WriteNumber("records", result.Totals.RecordCount);
        json.WriteNumber("totalCharge", result.Totals.TotalCharge);
        json.WriteNumber("totalTax", result.Totals.TotalTax);
        json.WriteNumber("totalDiscount", result.Totals.TotalDiscount);
        Number(json, "tapDecimalPlaces", result.Header.Accounting?.TapDecimalPlaces);
        json.WriteEndObject();
    }

    public static void WriteValidationSummary(Utf8JsonWriter json, TapValidationReport report)
    {
        json.WriteStartObject("validation");
        json.WriteBoolean("fatal", report.IsFatal);
        json.WriteNumber("fatalErrors", report.FatalCount);
        json.WriteNumber("severeErrors", report.SevereCount);
        json.WriteNumber("warnings", report.WarningCount);
        json.WriteNumber("rejectedRecords", report.RejectedRecordCount);
        json.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter json, TapValidationError error)
    {
        json.WriteStartObject();
        json.WriteString("severity", error.Severity.ToString().ToLowerInvariant());
        json.WriteNumber("code", error.Code);
        json.WriteString("context", error.Context);
        json.WriteString("item", error.Item);
        Number(json, "recordIndex", error.RecordIndex);
        if (error.Offset >= 0)
        {
            json.WriteNumber("offset", error.Offset);
        }

        json.WriteString("message", error.Message);
        json.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static void Time(Utf8JsonWriter json, string name, TapTimestamp? value)
    {
        if (value is not TapTimestamp t)
        {
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("local", t.LocalText);
        if (t.UtcOffsetCode is int code)
        {
            json.WriteNumber("utcOffsetCode", code);
        }

        if (t.UtcOffset is { } offset)
        {
            json.WriteString("utcOffset", offset);
        }

        if (t.Utc is DateTime utc)
        {
            json.WriteString("utc", utc.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        }

        json.WriteEndObject();
    }
}
