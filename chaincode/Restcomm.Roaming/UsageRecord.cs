using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Roaming;

/// <summary>
/// The canonical usage record: what one TAP call event becomes on the ledger. It lives only in the pair's private
/// collection (it carries the IMSI and MSISDN); the public state holds the Merkle root of the records' leaf hashes.
/// </summary>
/// <remarks>
/// Canonical encoding, version 1 (big-endian integers, the layout <see cref="Encode"/> writes):
/// <code>
/// u8   format version = 1
/// u8   service code (RoamingService: 0 mocLocal … 5 data)
/// i64  event time, Unix seconds UTC
/// i16  UTC offset of the visited network's local time, minutes
/// i64  quantity (seconds, events or bytes)
/// i64  charge, minor units
/// u8   decimal places of the charge
/// 32   SHA-256 of the TAP call event's encoding
/// then imsi, msisdn, calledNumber, callReference, each: u8 byte length + ASCII (0 = absent)
/// </code>
/// Leaf hash = SHA-256(0x00 ‖ encoding) (see <see cref="MerkleTree"/>).
/// </remarks>
public sealed record UsageRecord
{
    /// <summary>The format version <see cref="Encode"/> writes.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>The event's start as a UTC instant, whole seconds.</summary>
    public required DateTimeOffset EventTimeUtc { get; init; }

    /// <summary>The visited network's UTC offset at the event, minutes (TAP's UtcTimeOffset).</summary>
    public int UtcOffsetMinutes { get; init; }

    /// <summary>Duration in seconds (voice), events (SMS) or uplink + downlink bytes (data).</summary>
    public required long Quantity { get; init; }

    /// <summary>The visited operator's charge, minor units at <see cref="DecimalPlaces"/>.</summary>
    public required long ChargeMinor { get; init; }

    /// <summary>Decimal places of <see cref="ChargeMinor"/> (TAP's TapDecimalPlaces).</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>SHA-256 of the TAP call event's BER encoding, 64 lower-case hex digits.</summary>
    public required string TapRecordSha256 { get; init; }

    /// <summary>The subscriber's IMSI (digits); the home operator checks it belongs to its network (TD.57).</summary>
    public required string Imsi { get; init; }

    /// <summary>The subscriber's MSISDN, if the TAP record has one.</summary>
    public string? Msisdn { get; init; }

    /// <summary>The called number of a mobile-originated call (TD.57 checks its destination against the service).</summary>
    public string? CalledNumber { get; init; }

    /// <summary>The visited network's call reference or charging ID (duplicate detection).</summary>
    public string? CallReference { get; init; }

    /// <summary>The event's local date in the visited network: the date whose rates apply.</summary>
    public DateOnly LocalDate => Fields.LocalDate;

    /// <summary>The figures totals, rating and periods need.</summary>
    public UsageRecordFields Fields => new(Service, EventTimeUtc.ToUnixTimeSeconds(), UtcOffsetMinutes, Quantity, ChargeMinor, DecimalPlaces);

    /// <summary>The canonical encoding (see the remarks of <see cref="UsageRecord"/>).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Encode()
    {
        if (EventTimeUtc.Offset != TimeSpan.Zero || EventTimeUtc.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw RoamingRuleException.Invalid("eventTimeUtc must be a UTC instant in whole seconds");
        }

        if (TapRecordSha256 is not { Length: 64 } || !TapRecordSha256.All(char.IsAsciiHexDigitLower))
        {
            throw RoamingRuleException.Invalid("tapRecordSha256 must be 64 lower-case hex digits");
        }

        Span<byte> hash = stackalloc byte[32];
        Convert.FromHexString(TapRecordSha256, hash, out _, out _);
        var buffer = new byte[UsageRecordCodec.EncodedLength(Imsi, Msisdn, CalledNumber, CallReference)];
        UsageRecordCodec.Write(buffer, Fields, hash, Imsi, Msisdn, CalledNumber, CallReference);
        return buffer;
    }

    /// <summary>The leaf hash: SHA-256(0x00 ‖ <see cref="Encode"/>()).</summary>
    /// <returns>32 bytes.</returns>
    public byte[] LeafHash() => MerkleTree.LeafHash(Encode());

    /// <summary>Reads one canonical encoding (exactly the bytes given).</summary>
    /// <param name="encoding">The bytes.</param>
    /// <returns>The record.</returns>
    public static UsageRecord Decode(ReadOnlySpan<byte> encoding)
    {
        Span<Range> strings = stackalloc Range[4];
        var fields = UsageRecordCodec.Read(encoding, strings);
        var imsi = Encoding.ASCII.GetString(encoding[strings[0]]);
        var msisdn = Text(encoding[strings[1]]);
        var called = Text(encoding[strings[2]]);
        var reference = Text(encoding[strings[3]]);
        return new UsageRecord
        {
            Service = fields.Service,
            EventTimeUtc = DateTimeOffset.FromUnixTimeSeconds(fields.EventUnixSeconds),
            UtcOffsetMinutes = fields.UtcOffsetMinutes,
            Quantity = fields.Quantity,
            ChargeMinor = fields.ChargeMinor,
            DecimalPlaces = fields.DecimalPlaces,
            TapRecordSha256 = Convert.ToHexStringLower(encoding.Slice(UsageRecordCodec.HashOffset, 32)),
            Imsi = imsi,
            Msisdn = msisdn,
            CalledNumber = called,
            CallReference = reference,
        };

        static string? Text(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? null : Encoding.ASCII.GetString(bytes);
    }

    /// <summary>Checks the fields the encoding and the ledger rely on; throws <see cref="RoamingRuleException"/>.</summary>
    public void Check() => _ = Encode();

    /// <summary>The SHA-256 of a TAP call event's bytes, as <see cref="TapRecordSha256"/> holds it.</summary>
    /// <param name="tapCallEvent">The call event's BER encoding.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string TapHash(ReadOnlySpan<byte> tapCallEvent) => Convert.ToHexStringLower(SHA256.HashData(tapCallEvent));
}

/// <summary>
/// The figures of one canonical usage record that totals, rating and periods need, read from its encoding without its
/// strings (<see cref="UsageRecordCodec.Read(ReadOnlySpan{byte})"/>).
/// </summary>
/// <param name="Service">The service.</param>
/// <param name="EventUnixSeconds">The event's start, Unix seconds UTC.</param>
/// <param name="UtcOffsetMinutes">The visited network's UTC offset at the event, minutes.</param>
/// <param name="Quantity">Seconds, events or bytes.</param>
/// <param name="ChargeMinor">The visited operator's charge, minor units at <paramref name="DecimalPlaces"/>.</param>
/// <param name="DecimalPlaces">Decimal places of the charge.</param>
public readonly record struct UsageRecordFields(RoamingService Service, long EventUnixSeconds, int UtcOffsetMinutes, long Quantity, long ChargeMinor, int DecimalPlaces)
{
    private const int SecondsPerDay = 86_400;
    private static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>The event's local date in the visited network: the date whose rates apply.</summary>
    public DateOnly LocalDate => DateOnly.FromDayNumber(LocalDayNumber);

    /// <summary><see cref="LocalDate"/> as a day number (<see cref="DateOnly.DayNumber"/>).</summary>
    public int LocalDayNumber
    {
        get
        {
            var local = EventUnixSeconds + (UtcOffsetMinutes * 60L);
            var days = local / SecondsPerDay;
            return UnixEpochDay + (int)(local % SecondsPerDay < 0 ? days - 1 : days);
        }
    }
}

/// <summary>
/// The canonical usage record's encoding, written and read on spans (the layout the remarks of
/// <see cref="UsageRecord"/> give): a batch of thousands of records is encoded, hashed, totalled and checked without
/// an object or a string per record. Both directions apply the same rules and throw
/// <see cref="RoamingRuleException"/> (code <c>invalid-argument</c>).
/// </summary>
public static class UsageRecordCodec
{
    /// <summary>Where the TAP call event's SHA-256 starts in an encoding.</summary>
    public const int HashOffset = 29;

    private const int FixedLength = 61;
    private const int MaxText = 64;

    // The range DateTimeOffset can hold, as Unix seconds (0001-01-01 to 9999-12-31), with a day's margin for the offset.
    private const long MinUnixSeconds = -62_135_596_800 + 86_400;
    private const long MaxUnixSeconds = 253_402_300_799 - 86_400;

    /// <summary>The length of a record's encoding.</summary>
    /// <param name="imsi">The IMSI.</param>
    /// <param name="msisdn">The MSISDN, or null.</param>
    /// <param name="calledNumber">The called number, or null.</param>
    /// <param name="callReference">The call reference, or null.</param>
    /// <returns>Bytes.</returns>
    public static int EncodedLength(string? imsi, string? msisdn, string? calledNumber, string? callReference)
        => FixedLength + 4 + Math.Min(imsi?.Length ?? 0, 255) + Math.Min(msisdn?.Length ?? 0, 255)
           + Math.Min(calledNumber?.Length ?? 0, 255) + Math.Min(callReference?.Length ?? 0, 255);

    /// <summary>Checks a record and writes its encoding.</summary>
    /// <param name="destination">At least <see cref="EncodedLength"/> bytes.</param>
    /// <param name="fields">The figures.</param>
    /// <param name="tapRecordSha256">The TAP call event's SHA-256, 32 bytes.</param>
    /// <param name="imsi">5-15 digits.</param>
    /// <param name="msisdn">Null or 1-64 printable ASCII characters.</param>
    /// <param name="calledNumber">Null or 1-64 printable ASCII characters.</param>
    /// <param name="callReference">Null or 1-64 printable ASCII characters.</param>
    /// <returns>The bytes written.</returns>
    public static int Write(Span<byte> destination, in UsageRecordFields fields, ReadOnlySpan<byte> tapRecordSha256, string? imsi, string? msisdn, string? calledNumber, string? callReference)
    {
        CheckFields(fields);
        if (tapRecordSha256.Length != 32)
        {
            throw RoamingRuleException.Invalid("tapRecordSha256 must be 32 bytes");
        }

        if (imsi is null || !IsImsi(imsi.AsSpan()))
        {
            throw RoamingRuleException.Invalid("imsi must be 5-15 digits");
        }

        if (!IsOptionalText(msisdn) || !IsOptionalText(calledNumber) || !IsOptionalText(callReference))
        {
            throw RoamingRuleException.Invalid("msisdn, calledNumber and callReference must be 1-64 printable ASCII characters");
        }

        destination[0] = UsageRecord.FormatVersion;
        destination[1] = (byte)fields.Service;
        BinaryPrimitives.WriteInt64BigEndian(destination[2..], fields.EventUnixSeconds);
        BinaryPrimitives.WriteInt16BigEndian(destination[10..], (short)fields.UtcOffsetMinutes);
        BinaryPrimitives.WriteInt64BigEndian(destination[12..], fields.Quantity);
        BinaryPrimitives.WriteInt64BigEndian(destination[20..], fields.ChargeMinor);
        destination[28] = (byte)fields.DecimalPlaces;
        tapRecordSha256.CopyTo(destination[HashOffset..]);
        var offset = FixedLength;
        offset = WriteText(destination, offset, imsi);
        offset = WriteText(destination, offset, msisdn);
        offset = WriteText(destination, offset, calledNumber);
        return WriteText(destination, offset, callReference);
    }

    /// <summary>Checks one encoding (exactly the bytes given) and reads its figures.</summary>
    /// <param name="encoding">The bytes.</param>
    /// <returns>The figures.</returns>
    public static UsageRecordFields Read(ReadOnlySpan<byte> encoding) => Read(encoding, []);

    /// <summary>Checks one encoding (exactly the bytes given), reads its figures and where its four strings are.</summary>
    /// <param name="encoding">The bytes.</param>
    /// <param name="strings">Empty, or four ranges: imsi, msisdn, calledNumber, callReference (empty when absent).</param>
    /// <returns>The figures.</returns>
    public static UsageRecordFields Read(ReadOnlySpan<byte> encoding, Span<Range> strings)
    {
        if (encoding.Length < FixedLength + 4 || encoding[0] != UsageRecord.FormatVersion)
        {
            throw RoamingRuleException.Invalid($"not a version {UsageRecord.FormatVersion} canonical usage record ({encoding.Length} bytes)");
        }

        var fields = new UsageRecordFields(
            (RoamingService)encoding[1],
            BinaryPrimitives.ReadInt64BigEndian(encoding[2..]),
            BinaryPrimitives.ReadInt16BigEndian(encoding[10..]),
            BinaryPrimitives.ReadInt64BigEndian(encoding[12..]),
            BinaryPrimitives.ReadInt64BigEndian(encoding[20..]),
            encoding[28]);
        CheckFields(fields);
        var offset = FixedLength;
        for (var i = 0; i < 4; i++)
        {
            if (offset >= encoding.Length || offset + 1 + encoding[offset] > encoding.Length)
            {
                throw RoamingRuleException.Invalid("a canonical usage record is cut short");
            }

            var text = encoding.Slice(offset + 1, encoding[offset]);
            var valid = i == 0 ? IsImsi(text) : text.IsEmpty || IsText(text);
            if (!valid)
            {
                throw RoamingRuleException.Invalid(i == 0 ? "imsi must be 5-15 digits" : "msisdn, calledNumber and callReference must be 1-64 printable ASCII characters");
            }

            if (!strings.IsEmpty)
            {
                strings[i] = new Range(offset + 1, offset + 1 + text.Length);
            }

            offset += 1 + text.Length;
        }

        if (offset != encoding.Length)
        {
            throw RoamingRuleException.Invalid("a canonical usage record has trailing bytes");
        }

        return fields;
    }

    private static void CheckFields(in UsageRecordFields fields)
    {
        if (!RoamingServices.IsDefined(fields.Service))
        {
            throw RoamingRuleException.Invalid($"unknown service code {(int)fields.Service}");
        }

        if (fields.EventUnixSeconds is < MinUnixSeconds or > MaxUnixSeconds)
        {
            throw RoamingRuleException.Invalid("eventTimeUtc is out of range");
        }

        if (fields.UtcOffsetMinutes is < -1440 or > 1440)
        {
            throw RoamingRuleException.Invalid("utcOffsetMinutes must be within a day");
        }

        if (fields.Quantity < 0 || fields.ChargeMinor < 0)
        {
            throw RoamingRuleException.Invalid("quantity and chargeMinor cannot be negative");
        }

        if (fields.DecimalPlaces is < 0 or > 6)
        {
            throw RoamingRuleException.Invalid("decimalPlaces must be 0-6");
        }
    }

    private static bool IsImsi<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (text.Length is < 5 or > 15)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (int.CreateTruncating(c) is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOptionalText(string? text) => text is null || IsText(text.AsSpan());

    private static bool IsText<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (text.Length is 0 or > MaxText)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (int.CreateTruncating(c) is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static int WriteText(Span<byte> destination, int offset, string? text)
    {
        var length = text?.Length ?? 0;
        destination[offset] = (byte)length;
        for (var i = 0; i < length; i++)
        {
            destination[offset + 1 + i] = (byte)text![i];
        }

        return offset + 1 + length;
    }
}
