using System.Buffers.Binary;
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
    public DateOnly LocalDate => DateOnly.FromDateTime(EventTimeUtc.UtcDateTime.AddMinutes(UtcOffsetMinutes));

    /// <summary>The canonical encoding (see the remarks of <see cref="UsageRecord"/>).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Encode()
    {
        Check();
        var strings = new[] { Imsi, Msisdn ?? "", CalledNumber ?? "", CallReference ?? "" };
        var length = 1 + 1 + 8 + 2 + 8 + 8 + 1 + 32 + strings.Sum(s => 1 + s.Length);
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)Service;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], EventTimeUtc.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt16BigEndian(span[10..], checked((short)UtcOffsetMinutes));
        BinaryPrimitives.WriteInt64BigEndian(span[12..], Quantity);
        BinaryPrimitives.WriteInt64BigEndian(span[20..], ChargeMinor);
        span[28] = (byte)DecimalPlaces;
        Convert.FromHexString(TapRecordSha256).CopyTo(span[29..]);
        var offset = 61;
        foreach (var s in strings)
        {
            span[offset++] = (byte)s.Length;
            offset += Encoding.ASCII.GetBytes(s, span[offset..]);
        }

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
        if (encoding.Length < 65 || encoding[0] != FormatVersion)
        {
            throw RoamingRuleException.Invalid($"not a version {FormatVersion} canonical usage record ({encoding.Length} bytes)");
        }

        var offset = 61;
        var strings = new string?[4];
        for (var i = 0; i < strings.Length; i++)
        {
            if (offset >= encoding.Length || offset + 1 + encoding[offset] > encoding.Length)
            {
                throw RoamingRuleException.Invalid("a canonical usage record is cut short");
            }

            var length = encoding[offset];
            strings[i] = length == 0 ? null : Encoding.ASCII.GetString(encoding.Slice(offset + 1, length));
            offset += 1 + length;
        }

        if (offset != encoding.Length)
        {
            throw RoamingRuleException.Invalid("a canonical usage record has trailing bytes");
        }

        var record = new UsageRecord
        {
            Service = (RoamingService)encoding[1],
            EventTimeUtc = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(encoding[2..])),
            UtcOffsetMinutes = BinaryPrimitives.ReadInt16BigEndian(encoding[10..]),
            Quantity = BinaryPrimitives.ReadInt64BigEndian(encoding[12..]),
            ChargeMinor = BinaryPrimitives.ReadInt64BigEndian(encoding[20..]),
            DecimalPlaces = encoding[28],
            TapRecordSha256 = Convert.ToHexStringLower(encoding.Slice(29, 32)),
            Imsi = strings[0] ?? "",
            Msisdn = strings[1],
            CalledNumber = strings[2],
            CallReference = strings[3],
        };
        record.Check();
        return record;
    }

    /// <summary>Checks the fields the encoding and the ledger rely on; throws <see cref="RoamingRuleException"/>.</summary>
    public void Check()
    {
        if (!RoamingServices.IsDefined(Service))
        {
            throw RoamingRuleException.Invalid($"unknown service code {(int)Service}");
        }

        if (EventTimeUtc.Offset != TimeSpan.Zero || EventTimeUtc.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw RoamingRuleException.Invalid("eventTimeUtc must be a UTC instant in whole seconds");
        }

        if (UtcOffsetMinutes is < -1440 or > 1440)
        {
            throw RoamingRuleException.Invalid("utcOffsetMinutes must be within a day");
        }

        if (Quantity < 0 || ChargeMinor < 0)
        {
            throw RoamingRuleException.Invalid("quantity and chargeMinor cannot be negative");
        }

        if (DecimalPlaces is < 0 or > 6)
        {
            throw RoamingRuleException.Invalid("decimalPlaces must be 0-6");
        }

        if (TapRecordSha256 is not { Length: 64 } || !TapRecordSha256.All(char.IsAsciiHexDigitLower))
        {
            throw RoamingRuleException.Invalid("tapRecordSha256 must be 64 lower-case hex digits");
        }

        if (Imsi.Length is < 5 or > 15 || !Imsi.All(char.IsAsciiDigit))
        {
            throw RoamingRuleException.Invalid("imsi must be 5-15 digits");
        }

        foreach (var text in new[] { Msisdn, CalledNumber, CallReference })
        {
            if (text is not null && (text.Length is 0 or > 64 || !text.All(c => c is >= ' ' and <= '~')))
            {
                throw RoamingRuleException.Invalid("msisdn, calledNumber and callReference must be 1-64 printable ASCII characters");
            }
        }
    }

    /// <summary>The SHA-256 of a TAP call event's bytes, as <see cref="TapRecordSha256"/> holds it.</summary>
    /// <param name="tapCallEvent">The call event's BER encoding.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string TapHash(ReadOnlySpan<byte> tapCallEvent) => Convert.ToHexStringLower(SHA256.HashData(tapCallEvent));
}
