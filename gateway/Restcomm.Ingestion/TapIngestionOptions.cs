using System.Globalization;

namespace Restcomm.Ingestion;

/// <summary>How a TAP file is carried onto the ledger: the agreement, the batching limits and the submission.</summary>
public sealed class TapIngestionOptions
{
    /// <summary>Fabric's default for the largest message a channel takes (orderer <c>AbsoluteMaxBytes</c>, gRPC limits).</summary>
    public const int DefaultMaxMessageBytes = 10 * 1024 * 1024;

    /// <summary>
    /// What a transaction carries besides the records' payload: the proposal, header and signatures, plus the public
    /// state, event and answer the chaincode writes beside the findings' records (<see cref="PublicBytesPerRecord"/>).
    /// </summary>
    public const int EnvelopeReserveBytes = 64 * 1024;

    /// <summary>
    /// Worst-case public bytes per record in a batch's state, event and answer: findings are summarised per code, so a
    /// record with a finding costs at most its index (10 digits) and a separator in its code's ranges, three times.
    /// </summary>
    public const int PublicBytesPerRecord = 3 * (10 + 1);

    /// <summary>Largest canonical record with its length prefix in the payload (the strings at their maximum length).</summary>
    public const int MaxRecordPayloadBytes = 2 + 61 + (1 + 15) + (3 * (1 + 64));

    /// <summary>The agreement whose parties and rates apply (it must be active on the ledger).</summary>
    public required string AgreementId { get; init; }

    /// <summary>The channel of the roaming chaincode.</summary>
    public string Channel { get; init; } = "roaming-emea";

    /// <summary>The roaming chaincode's name.</summary>
    public string Chaincode { get; init; } = "roaming";

    /// <summary>Records per batch at most (N).</summary>
    public int BatchRecords { get; init; } = 5_000;

    /// <summary>Payload bytes per batch at most (M).</summary>
    public int BatchBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>A batch open this long (T) is closed at the next record or chunk, whatever its size.</summary>
    public TimeSpan BatchLinger { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Batches of different periods open at once; opening one more closes the oldest.</summary>
    public int MaxOpenPeriods { get; init; } = 4;

    /// <summary>Batches being endorsed, ordered or awaiting their commit at once (K).</summary>
    public int InFlight { get; init; } = 4;

    /// <summary>The channel's message size limit every batch transaction must fit in.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Attempts per batch before it is marked failed (MVCC conflicts, timeouts, unavailable peers).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>First retry delay; each further one doubles, up to <see cref="RetryMaxDelay"/>, with full jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// E.164 country code of the visited network (the TAP sender), e.g. <c>44</c>. Default: from the sender TADIG's
    /// ISO 3166 country prefix.
    /// </summary>
    public string? VisitedCountryCode { get; init; }

    /// <summary>E.164 country code of the home network (the TAP recipient). Default: from the recipient TADIG.</summary>
    public string? HomeCountryCode { get; init; }

    /// <summary>Where the RAP ReturnBatch of a refused file is written; default: beside the file, as <c>FILE.rap</c>.</summary>
    public string? RapPath { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming what cannot work.</summary>
    public void Check()
    {
        if (string.IsNullOrWhiteSpace(AgreementId))
        {
            throw new ArgumentException("an agreement ID is required", nameof(AgreementId));
        }

        if (BatchRecords < 1 || BatchBytes < MaxRecordPayloadBytes + 4 || InFlight < 1 || MaxAttempts < 1 || MaxOpenPeriods < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"batch records ({BatchRecords}), in-flight ({InFlight}), attempts ({MaxAttempts}) and open periods ({MaxOpenPeriods}) must be at least 1, batch bytes ({BatchBytes}) at least {MaxRecordPayloadBytes + 4}"));
        }

        if (BatchLinger <= TimeSpan.Zero || RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            throw new ArgumentException("the batch linger must be positive and the retry delays ordered");
        }

        // The worst batch the limits allow: a full payload, plus every record named in its findings' ranges.
        var worst = (long)BatchBytes + ((long)BatchRecords * PublicBytesPerRecord) + EnvelopeReserveBytes;
        if (worst > MaxMessageBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"a batch of {BatchRecords} records and {BatchBytes} payload bytes can need {worst} bytes in one transaction, over the channel's message limit of {MaxMessageBytes} bytes: lower the batch records or bytes"));
        }

        foreach (var code in new[] { VisitedCountryCode, HomeCountryCode })
        {
            if (code is not null && (code.Length is < 1 or > 3 || !code.All(char.IsAsciiDigit)))
            {
                throw new ArgumentException($"'{code}' is not an E.164 country code (1-3 digits)");
            }
        }
    }
}
