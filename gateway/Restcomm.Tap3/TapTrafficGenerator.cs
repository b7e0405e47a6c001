namespace Restcomm.Tap3;

/// <summary>
/// Deterministic synthetic TAP traffic: the same seed always gives the same file. The mix follows a typical roaming
/// batch — mostly data sessions and voice calls, some SMS, a few supplementary-service, content and location events —
/// across several visited networks, home operators and currencies. Audit totals always match the records.
/// </summary>
public sealed class TapTrafficGenerator
{
    private static readonly string[] Tadigs = ["AAAA1", "BBBB2", "CCCC3", "DEUD1", "FRAF2", "GBRCN", "ESPTE", "ITAWI"];
    private static readonly string[] Currencies = ["EUR", "GBP", "USD", "CHF", "SEK", "PLN"];
    private static readonly string[] Apns = ["internet", "ims", "mms.example.net", "iot.example.com", "corp.example.org"];
    private static readonly string[] TeleServices = ["11", "12", "21", "22"];
    private static readonly string[] SupplServices = ["21", "29", "2A", "2B", "41", "42"];
    private readonly Random _random;
    private readonly string _mccMnc;
    private long _eventCounter;

    /// <summary>Creates a generator for <paramref name="seed"/>.</summary>
    public TapTrafficGenerator(int seed)
    {
        _random = new Random(seed);
        Seed = seed;
        _mccMnc = (20_000 + _random.Next(0, 99_999 - 20_000)).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        var sender = Tadigs[_random.Next(Tadigs.Length)];
        string recipient;
        do
        {
            recipient = Tadigs[_random.Next(Tadigs.Length)];
        }
        while (recipient == sender);

        var created = new DateTime(2026, 1, 1, 0, 0, 0).AddMinutes(_random.Next(0, 60 * 24 * 300));
        BaseTime = created.AddDays(-2);
        var currency = Currencies[_random.Next(Currencies.Length)];
        Header = new TapHeader
        {
            Kind = TapFileKind.TransferBatch,
            Version = TapVersion.Tap312,
            HasCallEventList = true,
            BatchControl = new BatchControl
            {
                Sender = sender,
                Recipient = recipient,
                FileSequenceNumber = _random.Next(1, 99_999).ToString("D5", System.Globalization.CultureInfo.InvariantCulture),
                FileCreationTime = new TapTimestamp(created, null, 60),
                TransferCutOffTime = new TapTimestamp(created.AddMinutes(-5), null, 60),
                FileAvailableTime = new TapTimestamp(created.AddMinutes(1), null, 60),
                SpecificationVersion = 3,
                ReleaseVersion = 12,
            },
            Accounting = new AccountingInfo
            {
                LocalCurrency = currency,
                TapCurrency = "SDR",
                TapDecimalPlaces = 3,
                ExchangeRates =
                [
                    new ExchangeRate(1, 5, 100_000 + _random.Next(1, 80_000)),
                    new ExchangeRate(2, 6, 1_000_000 + _random.Next(1, 900_000)),
                ],
            },
            Network = new NetworkInfo
            {
                UtcOffsets = [new UtcOffsetEntry(0, "+0000"), new UtcOffsetEntry(1, "+0100"), new UtcOffsetEntry(2, "+0200"), new UtcOffsetEntry(3, "-0500")],
                RecEntities = [new RecEntity(1, 1, "4917000001"), new RecEntity(2, 2, "4917000002"), new RecEntity(3, 3, "10.0.0.3"), new RecEntity(4, 4, "10.0.0.4")],
            },
        };
    }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The file-level groups (without AuditControlInfo, which the writer computes).</summary>
    public TapHeader Header { get; }

    private DateTime BaseTime { get; }

    /// <summary>The next call event.</summary>
    public CallEvent Next()
    {
        var roll = _random.Next(100);
        var kind = roll switch
        {
            < 34 => CallEventKind.GprsCall,
            < 60 => CallEventKind.MobileOriginatedCall,
            < 78 => CallEventKind.MobileTerminatedCall,
            < 88 => CallEventKind.MessagingEvent,
            < 92 => CallEventKind.MobileSession,
            < 96 => CallEventKind.SupplementaryServiceEvent,
            < 98 => CallEventKind.ContentTransaction,
            _ => CallEventKind.LocationService,
        };
        _eventCounter++;
        var e = new CallEvent
        {
            Kind = kind,
            StartTime = new TapTimestamp(BaseTime.AddSeconds(_random.Next(0, 86_400 * 2)), _random.Next(0, 3), null),
        };
        var start = e.StartTime.Value;
        e.StartTime = start with { UtcOffsetMinutes = start.UtcOffsetCode switch { 0 => 0, 1 => 60, _ => 120 } };
        if (kind is not CallEventKind.LocationService)
        {
            e.Imsi = _mccMnc + Digits(10);
            e.Msisdn = "4" + Digits(_random.Next(9, 12));
        }

        switch (kind)
        {
            case CallEventKind.MobileOriginatedCall or CallEventKind.MobileTerminatedCall:
                e.OtherPartyNumber = Digits(_random.Next(8, 13));
                e.DurationSeconds = _random.Next(1, 3600);
                e.CauseForTerm = _random.Next(10) == 0 ? 1 : 0;
                e.RecEntityCodes.Add(1);
                e.LocationArea = _random.Next(1, 65_535);
                e.CellId = _random.Next(1, 65_535);
                if (_random.Next(3) == 0)
                {
                    e.Imei = Digits(15);
                }

                e.TeleServiceCode = TeleServices[_random.Next(TeleServices.Length)];
                e.Charges.Add(Charge("D", e.DurationSeconds.Value));
                break;
            case CallEventKind.GprsCall:
                e.AccessPointNameNI = Apns[_random.Next(Apns.Length)];
                e.AccessPointNameOI = "mnc" + _mccMnc[3..] + ".mcc" + _mccMnc[..3] + ".gprs";
                e.DurationSeconds = _random.Next(1, 86_400);
                e.ChargingId = _random.NextInt64(0, uint.MaxValue);
                e.RecEntityCodes.Add(3);
                e.RecEntityCodes.Add(4);
                e.LocationArea = _random.Next(1, 65_535);
                e.CellId = _random.Next(1, 268_435_455);
                e.DataVolumeIncoming = _random.NextInt64(0, 3_000_000_000);
                e.DataVolumeOutgoing = _random.NextInt64(0, 600_000_000);
                e.Charges.Add(Charge("X", (e.DataVolumeIncoming.Value + e.DataVolumeOutgoing.Value) / 1024));
                break;
            case CallEventKind.MessagingEvent:
                e.ServiceType = _random.Next(1, 4);
                e.EventReference = "SMS" + _eventCounter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                e.RecEntityCodes.Add(2);
                e.LocationArea = _random.Next(1, 65_535);
                e.CellId = _random.Next(1, 65_535);
                e.Charges.Add(new ChargeInformation
                {
                    ExchangeRateCode = 1,
                    CallTypeLevel1 = 1,
                    CallTypeLevel2 = 0,
                    CallTypeLevel3 = 0,
                    Details = [new ChargeDetail("00", _random.Next(10, 400), null, null)],
                });
                break;
            case CallEventKind.MobileSession:
                e.ServiceType = _random.Next(1, 3);
                e.EventReference = "VOLTE" + _eventCounter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                e.RecEntityCodes.Add(3);
                e.DurationSeconds = _random.Next(1, 3600);
                e.CauseForTerm = 0;
                e.Charges.Add(Charge("D", e.DurationSeconds.Value));
                break;
            case CallEventKind.SupplementaryServiceEvent:
                e.SupplServiceCode = SupplServices[_random.Next(SupplServices.Length)];
                e.SupplServiceActionCode = _random.Next(0, 5);
                e.RecEntityCodes.Add(1);
                e.LocationArea = _random.Next(1, 65_535);
                e.CellId = _random.Next(1, 65_535);
                e.Charges.Add(Charge("E", 1));
                break;
            case CallEventKind.ContentTransaction:
                e.Msisdn = null;
                e.ContentProviderName = "Provider" + _random.Next(1, 40).ToString(System.Globalization.CultureInfo.InvariantCulture);
                e.ContentTransactionCode = _random.Next(1, 5);
                e.ContentTransactionType = _random.Next(1, 10);
                e.TransactionIdentifier = "TX" + _eventCounter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                e.Charges.Add(Charge("E", 1));
                break;
            default: // location service
                e.RecEntityCodes.Add(1);
                e.TrackingCustomerIdentifier = "LCS-CLIENT-" + _random.Next(1, 20).ToString(System.Globalization.CultureInfo.InvariantCulture);
                e.Charges.Add(Charge("E", 1));
                break;
        }

        return e;
    }

    /// <summary>Writes a generated TAP 3.12 file of <paramref name="records"/> call events.</summary>
    public static async Task WriteAsync(Stream stream, long records, int seed, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var generator = new TapTrafficGenerator(seed);
        var writer = new TapFileWriter(stream, generator.Header);
        await using (writer.ConfigureAwait(false))
        {
            for (long i = 0; i < records; i++)
            {
                await writer.WriteAsync(generator.Next(), cancellationToken).ConfigureAwait(false);
                if ((i & 0xFFFF) == 0)
                {
                    progress?.Report(i);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            await writer.CompleteAsync(null, cancellationToken).ConfigureAwait(false);
            progress?.Report(records);
        }
    }

    /// <summary>An in-memory document of <paramref name="records"/> generated call events (for tests).</summary>
    public static TapDocument CreateDocument(int records, int seed)
    {
        var generator = new TapTrafficGenerator(seed);
        var document = new TapDocument { Header = generator.Header };
        for (var i = 0; i < records; i++)
        {
            document.Events.Add(generator.Next());
        }

        document.Header.Audit = TapEncoder.ComputeAudit(document.Events);
        return document;
    }

    private ChargeInformation Charge(string chargedItem, long units)
    {
        var airtime = Math.Max(0, units * _random.Next(1, 12));
        var toll = _random.Next(4) == 0 ? _random.Next(0, 5_000) : 0;
        var details = new List<ChargeDetail> { new("00", airtime + toll, units, units) };
        if (toll > 0)
        {
            details.Add(new ChargeDetail("01", airtime, units, units));
            details.Add(new ChargeDetail("03", toll, null, null));
        }

        var info = new ChargeInformation
        {
            ChargedItem = chargedItem,
            ExchangeRateCode = _random.Next(1, 3),
            CallTypeLevel1 = _random.Next(1, 3),
            CallTypeLevel2 = 0,
            CallTypeLevel3 = 0,
            Details = details,
        };
        if (_random.Next(5) == 0)
        {
            info.Taxes.Add(new TaxItem(1, (airtime + toll) / 5, airtime + toll));
        }

        return info;
    }

    private string Digits(int count)
    {
        Span<char> chars = stackalloc char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + _random.Next(10));
        }

        return new string(chars);
    }
}
