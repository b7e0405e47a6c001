using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Restcomm.Roaming;

/// <summary>
/// The public header of a usage batch: one slice of one TAP file. Its key on the ledger is
/// (<see cref="FileId"/>, <see cref="BatchNumber"/>), so batches are independent of each other and many can be
/// endorsed in parallel.
/// </summary>
public sealed record UsageBatchHeader
{
    /// <summary>The agreement whose rates apply.</summary>
    public required string AgreementId { get; init; }

    /// <summary>TADIG code of the visited network that sent the TAP file.</summary>
    public required string SenderTadig { get; init; }

    /// <summary>TADIG code of the home network it is for.</summary>
    public required string RecipientTadig { get; init; }

    /// <summary>The TAP file's sequence number (1-99999).</summary>
    public required int FileSequenceNumber { get; init; }

    /// <summary>The batch's number within the file, from 1.</summary>
    public required int BatchNumber { get; init; }

    /// <summary>The settlement period the batch counts in, <c>yyyy-MM</c>.</summary>
    public required string Period { get; init; }

    /// <summary>Number of records.</summary>
    public required int RecordCount { get; init; }

    /// <summary>Decimal places of every record's charge and of the totals.</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>Per-service totals over the records (services without records left out).</summary>
    public required IReadOnlyList<ServiceTotal> Totals { get; init; }

    /// <summary>Merkle root over the records' leaf hashes (see <see cref="MerkleTree"/>), lower-case hex.</summary>
    public required string MerkleRoot { get; init; }

    /// <summary>SHA-256 of the batch payload (<see cref="UsageBatchPayload"/>) exactly as sent, lower-case hex.</summary>
    public required string PayloadHash { get; init; }

    /// <summary>The file ID: <c>CD</c> + sender + recipient + 5-digit sequence number, as the TAP file is named.</summary>
    public string FileId => Roaming.FileId.Format(SenderTadig, RecipientTadig, FileSequenceNumber);

    /// <summary>Checks the header's own fields; throws <see cref="RoamingRuleException"/>.</summary>
    public void Check()
    {
        if (!AgreementDocument.IsIdentifier(AgreementId))
        {
            throw RoamingRuleException.Invalid("agreementId is not an agreement identifier");
        }

        if (!Tadig.IsValid(SenderTadig) || !Tadig.IsValid(RecipientTadig))
        {
            throw RoamingRuleException.Invalid("senderTadig and recipientTadig must be TADIG codes");
        }

        if (FileSequenceNumber is < 1 or > 99_999 || BatchNumber is < 1 or > 999_999)
        {
            throw RoamingRuleException.Invalid("fileSequenceNumber must be 1-99999 and batchNumber 1-999999");
        }

        _ = SettlementPeriods.Parse(Period);
        if (RecordCount < 1)
        {
            throw RoamingRuleException.Invalid("a batch holds at least one record");
        }

        if (DecimalPlaces is < 0 or > 6)
        {
            throw RoamingRuleException.Invalid("decimalPlaces must be 0-6");
        }

        if (!IsHash(MerkleRoot) || !IsHash(PayloadHash))
        {
            throw RoamingRuleException.Invalid("merkleRoot and payloadHash must be 64 lower-case hex digits");
        }
    }

    private static bool IsHash(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);
}

/// <summary>A service's total in a batch.</summary>
public sealed record ServiceTotal
{
    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>Records of the service.</summary>
    public required int Records { get; init; }

    /// <summary>Sum of their quantities.</summary>
    public required long Quantity { get; init; }

    /// <summary>Sum of their charges, minor units at the header's decimal places.</summary>
    public required long ChargeMinor { get; init; }
}

/// <summary>File IDs: <c>CD</c> + sender TADIG + recipient TADIG + the 5-digit sequence number (e.g. <c>CDAAAA1BBBB200042</c>).</summary>
public static class FileId
{
    /// <summary>Formats a file ID.</summary>
    /// <param name="sender">Sender TADIG.</param>
    /// <param name="recipient">Recipient TADIG.</param>
    /// <param name="sequenceNumber">1-99999.</param>
    /// <returns>The file ID.</returns>
    public static string Format(string sender, string recipient, int sequenceNumber)
        => string.Create(CultureInfo.InvariantCulture, $"CD{sender}{recipient}{sequenceNumber:D5}");

    /// <summary>Parses a file ID.</summary>
    /// <param name="fileId">The text.</param>
    /// <param name="sender">Sender TADIG.</param>
    /// <param name="recipient">Recipient TADIG.</param>
    /// <param name="sequenceNumber">The sequence number.</param>
    /// <returns>True when the text is a file ID.</returns>
    public static bool TryParse(string? fileId, out string sender, out string recipient, out int sequenceNumber)
    {
        sender = recipient = "";
        sequenceNumber = 0;
        if (fileId is not { Length: 17 } || !fileId.StartsWith("CD", StringComparison.Ordinal)
            || !int.TryParse(fileId.AsSpan(12), NumberStyles.None, CultureInfo.InvariantCulture, out sequenceNumber))
        {
            return false;
        }

        sender = fileId[2..7];
        recipient = fileId[7..12];
        return Tadig.IsValid(sender) && Tadig.IsValid(recipient) && sequenceNumber is >= 1 and <= 99_999;
    }
}

/// <summary>Settlement periods: calendar months written <c>yyyy-MM</c>.</summary>
public static class SettlementPeriods
{
    /// <summary>The first day of a period.</summary>
    /// <param name="period"><c>yyyy-MM</c>.</param>
    /// <returns>Its first day.</returns>
    public static DateOnly Parse(string? period)
        => DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) && period!.Length == 7
            ? first
            : throw RoamingRuleException.Invalid($"period '{period}' is not yyyy-MM");

    /// <summary>The last day of a period.</summary>
    /// <param name="period"><c>yyyy-MM</c>.</param>
    /// <returns>Its last day.</returns>
    public static DateOnly LastDay(string period) => Parse(period).AddMonths(1).AddDays(-1);
}

/// <summary>
/// The private payload of a batch, as it travels in the transient map (key <c>records</c>) and is stored in the pair's
/// collection: <c>u32 record count</c>, then per record <c>u16 length ‖ canonical encoding</c> (big-endian). Its
/// SHA-256 is the header's <see cref="UsageBatchHeader.PayloadHash"/>, which is also the hash Fabric keeps on chain for
/// the private value.
/// </summary>
public static class UsageBatchPayload
{
    /// <summary>The transient map key of the payload.</summary>
    public const string TransientKey = "records";

    /// <summary>Encodes records.</summary>
    /// <param name="records">The records, in batch order.</param>
    /// <returns>The payload.</returns>
    public static byte[] Encode(IReadOnlyList<UsageRecord> records)
    {
        var builder = new UsageBatchBuilder();
        foreach (var record in records)
        {
            builder.Add(record);
        }

        return builder.Payload();
    }

    /// <summary>Splits a payload into canonical encodings (not yet decoded).</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>Each record's encoding.</returns>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> payload)
    {
        var reader = new Reader(payload.Span);
        var parts = new List<ReadOnlyMemory<byte>>(reader.Count);
        while (reader.Next(out var start, out var length))
        {
            parts.Add(payload.Slice(start, length));
        }

        return parts;
    }

    private delegate T RecordReader<out T>(ReadOnlySpan<byte> encoding);

    /// <summary>Walks a payload's records without copying them; throws <c>invalid-payload</c> where it is malformed.</summary>
    internal ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _payload;
        private int _offset;
        private int _index;

        public Reader(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 4)
            {
                throw new RoamingRuleException("invalid-payload", "the records payload is shorter than its count");
            }

            var count = BinaryPrimitives.ReadUInt32BigEndian(payload);
            if (count > (uint)(payload.Length / 2))
            {
                throw new RoamingRuleException("invalid-payload", "the records payload announces more records than it holds");
            }

            _payload = payload;
            Count = (int)count;
            _offset = 4;
        }

        /// <summary>The record count the payload announces.</summary>
        public int Count { get; }

        /// <summary>The next record's place in the payload; false after the last (having checked nothing follows it).</summary>
        public bool Next(out int start, out int length)
        {
            if (_index == Count)
            {
                if (_offset != _payload.Length)
                {
                    throw new RoamingRuleException("invalid-payload", "the records payload has bytes after its last record");
                }

                start = length = 0;
                return false;
            }

            if (_offset + 2 > _payload.Length
                || _offset + 2 + BinaryPrimitives.ReadUInt16BigEndian(_payload[_offset..]) > _payload.Length)
            {
                throw new RoamingRuleException("invalid-payload", $"the records payload is cut short at record {_index}");
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(_payload[_offset..]);
            start = _offset + 2;
            _offset = start + length;
            _index++;
            return true;
        }
    }

    /// <summary>Decodes every record.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The records.</returns>
    public static IReadOnlyList<UsageRecord> Decode(ReadOnlyMemory<byte> payload) => ReadEach(payload.Span, UsageRecord.Decode);

    /// <summary>Reads every record's figures (each record checked, no strings made).</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The figures, in order.</returns>
    public static IReadOnlyList<UsageRecordFields> Figures(ReadOnlySpan<byte> payload) => ReadEach(payload, UsageRecordCodec.Read);

    private static T[] ReadEach<T>(ReadOnlySpan<byte> payload, RecordReader<T> read)
    {
        var reader = new Reader(payload);
        var records = new T[reader.Count];
        for (var i = 0; reader.Next(out var start, out var length); i++)
        {
            try
            {
                records[i] = read(payload.Slice(start, length));
            }
            catch (RoamingRuleException e)
            {
                throw new RoamingRuleException("invalid-record", $"record {i}: {e.Message}");
            }
        }

        return records;
    }

    /// <summary>SHA-256 of a payload, lower-case hex.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>64 hex digits.</returns>
    public static string Hash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));
}

/// <summary>A batch whose records were checked against its header.</summary>
/// <param name="Header">The header.</param>
/// <param name="Records">The records' figures, in order (<see cref="UsageBatchPayload.Decode"/> reads the whole records).</param>
public sealed record VerifiedUsageBatch(UsageBatchHeader Header, IReadOnlyList<UsageRecordFields> Records)
{
    /// <summary>
    /// Checks a payload against its header: payload hash, record count, every record readable with the header's
    /// decimal places, per-service totals and Merkle root. Throws <see cref="RoamingRuleException"/> with code
    /// <c>payload-hash-mismatch</c>, <c>record-count-mismatch</c>, <c>invalid-payload</c>, <c>invalid-record</c>,
    /// <c>totals-mismatch</c> or <c>merkle-root-mismatch</c>. The records are checked on their bytes: no object or
    /// string is made per record.
    /// </summary>
    /// <param name="header">The header.</param>
    /// <param name="payload">The payload (<see cref="UsageBatchPayload"/>).</param>
    /// <returns>The verified batch.</returns>
    public static VerifiedUsageBatch Verify(UsageBatchHeader header, ReadOnlyMemory<byte> payload)
    {
        header.Check();
        var span = payload.Span;
        var hash = UsageBatchPayload.Hash(span);
        if (hash != header.PayloadHash)
        {
            throw new RoamingRuleException("payload-hash-mismatch", $"the records payload hashes to {hash}, the header says {header.PayloadHash}");
        }

        var reader = new UsageBatchPayload.Reader(span);
        if (reader.Count != header.RecordCount)
        {
            throw new RoamingRuleException("record-count-mismatch", $"the payload holds {reader.Count} records, the header says {header.RecordCount}");
        }

        var records = new UsageRecordFields[reader.Count];
        var leaves = new byte[reader.Count * 32];
        var totals = new UsageTotals();
        for (var i = 0; reader.Next(out var start, out var length); i++)
        {
            var encoding = span.Slice(start, length);
            try
            {
                records[i] = UsageRecordCodec.Read(encoding);
            }
            catch (RoamingRuleException e)
            {
                throw new RoamingRuleException("invalid-record", $"record {i}: {e.Message}");
            }

            if (records[i].DecimalPlaces != header.DecimalPlaces)
            {
                throw new RoamingRuleException("invalid-record", $"record {i} has {records[i].DecimalPlaces} decimal places, the batch {header.DecimalPlaces}");
            }

            totals.Add(records[i]);
            MerkleTree.LeafHash(encoding, leaves.AsSpan(i * 32, 32));
        }

        var computed = totals.ToList();
        var claimed = header.Totals.Where(t => t.Records != 0 || t.Quantity != 0 || t.ChargeMinor != 0).OrderBy(t => t.Service).ToList();
        if (!computed.SequenceEqual(claimed))
        {
            throw new RoamingRuleException("totals-mismatch",
                $"the records total {Describe(computed)}; the header says {Describe(claimed)}");
        }

        var root = Convert.ToHexStringLower(MerkleTree.RootInPlace(leaves));
        if (root != header.MerkleRoot)
        {
            throw new RoamingRuleException("merkle-root-mismatch", $"the records' Merkle root is {root}, the header says {header.MerkleRoot}");
        }

        return new VerifiedUsageBatch(header, records);
    }

    /// <summary>Per-service totals of records, in service order, services without records left out.</summary>
    /// <param name="records">The records.</param>
    /// <returns>The totals.</returns>
    public static IReadOnlyList<ServiceTotal> Totals(IEnumerable<UsageRecord> records)
    {
        var totals = new UsageTotals();
        foreach (var record in records)
        {
            totals.Add(record.Fields);
        }

        return totals.ToList();
    }

    /// <summary>Builds the header of records (the sender's side: totals, root, payload hash).</summary>
    /// <param name="template">The header fields that name the batch (totals, counts and hashes are replaced).</param>
    /// <param name="records">The records.</param>
    /// <returns>The header and the payload to send in the transient map.</returns>
    public static (UsageBatchHeader Header, byte[] Payload) Build(UsageBatchHeader template, IReadOnlyList<UsageRecord> records)
        => UsageBatchBuilder.Build(template, records.Select(r => r.Encode()));

    private static string Describe(IEnumerable<ServiceTotal> totals)
        => string.Join(", ", totals.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Service}: {t.Records} records, quantity {t.Quantity}, charge {t.ChargeMinor}")));
}

/// <summary>Per-service record counts, quantities and charges, summed record by record (a batch's, or a whole file's).</summary>
public sealed class UsageTotals
{
    private readonly long[] _records = new long[RoamingServices.All.Count];
    private readonly long[] _quantity = new long[RoamingServices.All.Count];
    private readonly long[] _charge = new long[RoamingServices.All.Count];

    /// <summary>The services with records, in service order, with their sums.</summary>
    public IEnumerable<(RoamingService Service, long Records, long Quantity, long ChargeMinor)> Services
        => RoamingServices.All.Where(s => _records[(int)s] > 0).Select(s => (s, _records[(int)s], _quantity[(int)s], _charge[(int)s]));

    /// <summary>Counts a record.</summary>
    /// <param name="record">Its figures.</param>
    public void Add(in UsageRecordFields record)
    {
        var s = (int)record.Service;
        _records[s]++;
        _quantity[s] = checked(_quantity[s] + record.Quantity);
        _charge[s] = checked(_charge[s] + record.ChargeMinor);
    }

    /// <summary>A batch header's totals: in service order, services without records left out.</summary>
    /// <returns>The totals.</returns>
    public IReadOnlyList<ServiceTotal> ToList()
        => [.. Services.Select(t => new ServiceTotal { Service = t.Service, Records = checked((int)t.Records), Quantity = t.Quantity, ChargeMinor = t.ChargeMinor })];
}

/// <summary>
/// Builds a batch record by record (the sender's side): each canonical encoding is appended to the payload, leaf-hashed
/// and counted in the totals as it arrives, so sealing a batch encodes each record once and makes no object per record.
/// </summary>
public sealed class UsageBatchBuilder
{
    private byte[] _payload = new byte[4096];
    private byte[] _leaves = new byte[32 * 64];
    private readonly UsageTotals _totals = new();
    private int _length = 4;
    private int _decimalPlaces = -1;

    /// <summary>Records added.</summary>
    public int Count { get; private set; }

    /// <summary>The payload's size so far (count prefix and length prefixes included).</summary>
    public int PayloadBytes => _length;

    /// <summary>Adds a record (checked as the chaincode checks it).</summary>
    /// <param name="record">The record.</param>
    public void Add(UsageRecord record) => Add(record.Encode());

    /// <summary>Adds a canonical encoding, checked as the chaincode checks it (<see cref="UsageRecordCodec.Read(ReadOnlySpan{byte})"/>).</summary>
    /// <param name="encoding">The record's encoding.</param>
    public void Add(ReadOnlySpan<byte> encoding)
    {
        var fields = UsageRecordCodec.Read(encoding);
        if (_decimalPlaces >= 0 && fields.DecimalPlaces != _decimalPlaces)
        {
            throw RoamingRuleException.Invalid($"record {Count} has {fields.DecimalPlaces} decimal places, the batch {_decimalPlaces}");
        }

        _decimalPlaces = fields.DecimalPlaces;
        Grow(ref _payload, _length + 2 + encoding.Length);
        BinaryPrimitives.WriteUInt16BigEndian(_payload.AsSpan(_length), checked((ushort)encoding.Length));
        encoding.CopyTo(_payload.AsSpan(_length + 2));
        _length += 2 + encoding.Length;
        Grow(ref _leaves, (Count + 1) * 32);
        MerkleTree.LeafHash(encoding, _leaves.AsSpan(Count * 32, 32));
        _totals.Add(fields);
        Count++;
    }

    /// <summary>Seals records given as their canonical encodings, in batch order (<see cref="Build(UsageBatchHeader)"/>).</summary>
    /// <param name="template">The header fields that name the batch.</param>
    /// <param name="encodings">Each record's encoding.</param>
    /// <returns>The header and the payload to send in the transient map.</returns>
    public static (UsageBatchHeader Header, byte[] Payload) Build(UsageBatchHeader template, IEnumerable<byte[]> encodings)
    {
        var builder = new UsageBatchBuilder();
        foreach (var encoding in encodings)
        {
            builder.Add(encoding);
        }

        return builder.Build(template);
    }

    /// <summary>The payload of the records added so far.</summary>
    /// <returns>A new array.</returns>
    public byte[] Payload()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_payload, (uint)Count);
        return _payload.AsSpan(0, _length).ToArray();
    }

    /// <summary>The header (totals, root, payload hash, count and decimal places filled in) and the payload.</summary>
    /// <param name="template">The header fields that name the batch.</param>
    /// <returns>The header and the payload to send in the transient map.</returns>
    public (UsageBatchHeader Header, byte[] Payload) Build(UsageBatchHeader template)
    {
        var payload = Payload();
        var header = template with
        {
            RecordCount = Count,
            DecimalPlaces = Count > 0 ? _decimalPlaces : template.DecimalPlaces,
            Totals = _totals.ToList(),
            MerkleRoot = Convert.ToHexStringLower(MerkleTree.RootInPlace(_leaves.AsSpan(0, Count * 32).ToArray())),
            PayloadHash = UsageBatchPayload.Hash(payload),
        };
        return (header, payload);
    }

    private static void Grow(ref byte[] buffer, int needed)
    {
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
        }
    }
}
