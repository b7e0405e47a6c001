using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Restcomm.Hashing;
using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3;

/// <summary>
/// The canonical record hash: SHA-256 over a stable binary encoding of a decoded <see cref="CallEvent"/>
/// (format described in the library README, "Canonical record hash"). Two files that encode the same call event
/// differently in BER (definite or indefinite lengths, non-minimal lengths, element order of extensions, skipped
/// unmodelled items) produce the same hash.
/// </summary>
public static class TapRecordHash
{
    /// <summary>Size of a record hash in bytes.</summary>
    public const int Size = 32;

    /// <summary>Version byte that starts every canonical encoding.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Computes the hash of <paramref name="callEvent"/> in a file with <paramref name="tapDecimalPlaces"/>.</summary>
    public static void Compute(CallEvent callEvent, int tapDecimalPlaces, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        Compute(FlatRecord.FromCallEvent(callEvent), tapDecimalPlaces, destination);
    }

    /// <summary>Computes the hash and returns it as a new array.</summary>
    public static byte[] Compute(CallEvent callEvent, int tapDecimalPlaces)
    {
        var hash = new byte[Size];
        Compute(callEvent, tapDecimalPlaces, hash);
        return hash;
    }

    /// <summary>The canonical encoding itself (for inspection and for other implementations to test against).</summary>
    public static byte[] CanonicalEncoding(CallEvent callEvent, int tapDecimalPlaces)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        var record = FlatRecord.FromCallEvent(callEvent);
        var buffer = new byte[MaxCanonicalLength(record)];
        return buffer.AsSpan(0, WriteCanonical(record, tapDecimalPlaces, buffer)).ToArray();
    }

    /// <summary>The hot path: hash of a decoded record, straight from its flat form.</summary>
    internal static void Compute(FlatRecord record, int tapDecimalPlaces, Span<byte> destination)
    {
        var needed = MaxCanonicalLength(record);
        if (record.Canonical.Length < needed)
        {
            record.Canonical = new byte[needed];
        }

        var buffer = record.Canonical;
        var length = WriteCanonical(record, tapDecimalPlaces, buffer);
        ShortSha256.Hash(buffer.AsSpan(0, length), destination, record.DigestContext);
    }

    /// <summary>An upper bound of the canonical length, so the writer needs no bounds checks of its own.</summary>
    private static int MaxCanonicalLength(FlatRecord r) =>
        4 + (FlatRecord.FieldSlots * 9) + (3 * FlatRecord.FieldSlots) + r.BytesUsed + 25 + 9 + (8 * r.RecEntityCount)
        + (r.ChargeCount * (2 + 3 + (9 * 6))) + (r.DetailCount * (1 + 3 + 27)) + (r.TaxCount * (1 + 27));

    private static int WriteCanonical(FlatRecord r, int tapDecimalPlaces, Span<byte> b)
    {
        b[0] = FormatVersion;
        b[1] = (byte)r.Kind;
        b[2] = (byte)tapDecimalPlaces;
        var p = 3;
        var present = r.Present & ~1u;
        while (present != 0)
        {
            var id = BitOperations.TrailingZeroCount(present);
            present &= present - 1;
            switch (id)
            {
                case FlatRecord.StartTimeId:
                    b[p++] = FlatRecord.StartTimeId;
                    p = Int64(b, p, r.StartTicks / TimeSpan.TicksPerSecond);
                    p = Int64(b, p, r.HasStartOffsetMinutes ? r.StartOffsetMinutes : int.MinValue);
                    p = Int64(b, p, r.HasStartOffsetCode ? r.StartOffsetCode : int.MinValue);
                    break;
                case FlatRecord.RecEntityCodesId:
                    b[p++] = FlatRecord.RecEntityCodesId;
                    p = Int64(b, p, r.RecEntityCount);
                    for (var i = 0; i < r.RecEntityCount; i++)
                    {
                        p = Int64(b, p, r.RecEntityCodes[i]);
                    }

                    break;
                default:
                    if (FlatRecord.TypeOf(id) is CallEventFieldType.Text or CallEventFieldType.Digits)
                    {
                        p = Text(b, p, (byte)id, r.Bytes.AsSpan(r.TextStart[id], r.TextLength[id]));
                    }
                    else
                    {
                        p = Int(b, p, (byte)id, r.Integers[id]);
                    }

                    break;
            }
        }

        for (var c = 0; c < r.ChargeCount; c++)
        {
            ref readonly var charge = ref r.Charges[c];
            var flags = charge.Flags;
            b[p++] = 40;
            if ((flags & ChargeSlot.HasChargedItem) != 0)
            {
                p = Text(b, p, 41, r.Bytes.AsSpan(charge.ChargedItemStart, charge.ChargedItemLength));
            }

            p = (flags & ChargeSlot.HasExchangeRateCode) != 0 ? Int(b, p, 42, charge.ExchangeRateCode) : p;
            p = (flags & ChargeSlot.HasCallTypeLevel1) != 0 ? Int(b, p, 43, charge.CallTypeLevel1) : p;
            p = (flags & ChargeSlot.HasCallTypeLevel2) != 0 ? Int(b, p, 44, charge.CallTypeLevel2) : p;
            p = (flags & ChargeSlot.HasCallTypeLevel3) != 0 ? Int(b, p, 45, charge.CallTypeLevel3) : p;
            for (var d = 0; d < r.DetailCount; d++)
            {
                ref readonly var detail = ref r.Details[d];
                if (detail.Charge != c)
                {
                    continue;
                }

                b[p++] = 46;
                if (detail.TypeStart >= 0)
                {
                    p = Text(b, p, 47, r.Bytes.AsSpan(detail.TypeStart, detail.TypeLength));
                }

                p = Int(b, p, 48, detail.Amount);
                p = (detail.Flags & DetailSlot.HasChargeableUnits) != 0 ? Int(b, p, 49, detail.ChargeableUnits) : p;
                p = (detail.Flags & DetailSlot.HasChargedUnits) != 0 ? Int(b, p, 50, detail.ChargedUnits) : p;
            }

            for (var t = 0; t < r.TaxCount; t++)
            {
                ref readonly var tax = ref r.Taxes[t];
                if (tax.Charge != c)
                {
                    continue;
                }

                b[p++] = 51;
                p = Int(b, p, 52, tax.Code);
                p = Int(b, p, 53, tax.Value);
                p = tax.HasTaxableAmount ? Int(b, p, 54, tax.TaxableAmount) : p;
            }

            p = (flags & ChargeSlot.HasDiscountCode) != 0 ? Int(b, p, 55, charge.DiscountCode) : p;
            p = (flags & ChargeSlot.HasDiscount) != 0 ? Int(b, p, 56, charge.Discount) : p;
            b[p++] = 57;
        }

        b[p++] = 0xFF;
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Int64(Span<byte> b, int p, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(b[p..], value);
        return p + 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Int(Span<byte> b, int p, byte field, long value)
    {
        b[p] = field;
        BinaryPrimitives.WriteInt64BigEndian(b[(p + 1)..], value);
        return p + 9;
    }

    private static int Text(Span<byte> b, int p, byte field, ReadOnlySpan<byte> value)
    {
        // The length is a uint16; longer values (never seen in TAP) are cut, as the format has always done.
        var length = Math.Min(value.Length, ushort.MaxValue);
        b[p] = field;
        BinaryPrimitives.WriteUInt16BigEndian(b[(p + 1)..], (ushort)length);
        FlatRecord.CopySmall(value[..length], b[(p + 3)..]);
        return p + 3 + length;
    }
}
