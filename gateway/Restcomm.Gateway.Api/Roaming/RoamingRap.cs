using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>
/// The RAP 1.5 ReturnBatch of a batch's rejections: one SevereReturn per rejected record, carrying the record as a TAP
/// call event (IMSI, MSISDN, start time with its UTC offset, duration or volume, the charge at the record's decimal
/// places) and the rejection's TD.57 error code. Sender and recipient are swapped against the TAP file (the home
/// operator returns it to the visited one).
/// </summary>
internal static class RoamingRap
{
    /// <summary>Encodes the ReturnBatch; null when the batch has no rejections (RAP has no empty ReturnBatch).</summary>
    /// <param name="batch">The batch's public state (rejections).</param>
    /// <param name="records">The batch's records, from the pair's collection.</param>
    /// <param name="rapFileSequenceNumber">The RAP file's sequence number (five digits).</param>
    /// <param name="createdAt">The file's creation time.</param>
    public static byte[]? Encode(UsageBatchState batch, IReadOnlyList<UsageRecord> records, string rapFileSequenceNumber, DateTimeOffset createdAt)
    {
        if (batch.Rejections.Count == 0)
        {
            return null;
        }

        var header = batch.Header;
        var created = new TapTimestamp(createdAt.UtcDateTime, null, 0);
        var rap = new RapReturnBatch
        {
            BatchControl = new RapBatchControl
            {
                Sender = header.RecipientTadig,
                Recipient = header.SenderTadig,
                RapFileSequenceNumber = rapFileSequenceNumber,
                CreationTime = created,
                AvailableTime = created,
                SpecificationVersion = 3,
                ReleaseVersion = 12,
                RapSpecificationVersion = RapEncoder.RapSpecificationVersion,
                RapReleaseVersion = RapEncoder.RapReleaseVersion,
                TapDecimalPlaces = header.DecimalPlaces,
            },
        };

        var fileSequence = header.FileSequenceNumber.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        long total = 0;
        foreach (var rejection in batch.Rejections.OrderBy(r => r.Index))
        {
            var record = records[rejection.Index];
            var data = TapEncoder.EncodeCallEvent(CallEventOf(record));
            total += Rating.Rescale(record.ChargeMinor, record.DecimalPlaces, header.DecimalPlaces);
            rap.Returns.Add(new RapSevereReturn(fileSequence, data, [new RapErrorDetail(rejection.ErrorCode, null, [])]));
        }

        rap.TotalSevereReturnValue = total;
        rap.TotalSevereReturnTax = 0;
        rap.ReturnDetailsCount = rap.Returns.Count;
        return RapEncoder.Encode(rap);
    }

    /// <summary>The TAP call event a usage record stands for.</summary>
    internal static CallEvent CallEventOf(UsageRecord record)
    {
        var local = record.EventTimeUtc.UtcDateTime.AddMinutes(record.UtcOffsetMinutes);
        var e = new CallEvent
        {
            Kind = record.Service switch
            {
                RoamingService.Mtc => CallEventKind.MobileTerminatedCall,
                RoamingService.Data => CallEventKind.GprsCall,
                _ => CallEventKind.MobileOriginatedCall,
            },
            Imsi = record.Imsi,
            Msisdn = record.Msisdn,
            OtherPartyNumber = record.CalledNumber,
            StartTime = new TapTimestamp(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), null, record.UtcOffsetMinutes),
            TeleServiceCode = record.Service switch
            {
                RoamingService.SmsMo => "22",
                RoamingService.Data => null,
                _ => "11",
            },
        };

        if (record.Service == RoamingService.Data)
        {
            e.DataVolumeOutgoing = record.Quantity;
            e.DataVolumeIncoming = 0;
        }
        else if (record.Service != RoamingService.SmsMo)
        {
            e.DurationSeconds = record.Quantity;
        }

        e.Charges.Add(new ChargeInformation
        {
            ChargedItem = record.Service == RoamingService.Data ? "X" : record.Service == RoamingService.SmsMo ? "E" : "D",
            Details = { new ChargeDetail("00", record.ChargeMinor, record.Quantity, record.Quantity) },
        });
        return e;
    }
}
