using System.Buffers.Binary;
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

    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>Computes the hash of <paramref name="callEvent"/> in a file with <paramref name="tapDecimalPlaces"/>.</summary>
    public static void Compute(CallEvent callEvent, int tapDecimalPlaces, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        var buffer = t_scratch ??= new byte[4096];
        int length;
        while (!TryWriteCanonical(callEvent, tapDecimalPlaces, buffer, out length))
        {
            buffer = t_scratch = new byte[buffer.Length * 2];
        }

        RecordDigest.Hash(buffer.AsSpan(0, length), destination);
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
        var buffer = new byte[4096];
        int length;
        while (!TryWriteCanonical(callEvent, tapDecimalPlaces, buffer, out length))
        {
            buffer = new byte[buffer.Length * 2];
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    private static bool TryWriteCanonical(CallEvent e, int tapDecimalPlaces, Span<byte> buffer, out int length)
    {
        var w = new Writer(buffer);
        w.Byte(FormatVersion);
        w.Byte((byte)e.Kind);
        w.Byte((byte)tapDecimalPlaces);
        w.Text(1, e.Imsi);
        w.Text(2, e.Msisdn);
        w.Text(3, e.Imei);
        if (e.StartTime is TapTimestamp start)
        {
            w.Byte(4);
            w.Int64(start.LocalTime.Ticks / TimeSpan.TicksPerSecond);
            w.Int64(start.UtcOffsetMinutes ?? int.MinValue);
            w.Int64(start.UtcOffsetCode ?? int.MinValue);
        }

        w.Int(5, e.DurationSeconds);
        w.Int(6, e.CauseForTerm);
        w.Text(7, e.OtherPartyNumber);
        w.Text(8, e.PartnerNetwork);
        if (e.RecEntityCodes.Count > 0)
        {
            w.Byte(9);
            w.Int64(e.RecEntityCodes.Count);
            for (var i = 0; i < e.RecEntityCodes.Count; i++)
            {
                w.Int64(e.RecEntityCodes[i]);
            }
        }

        w.Int(10, e.LocationArea);
        w.Int(11, e.CellId);
        w.Text(12, e.TeleServiceCode);
        w.Text(13, e.BearerServiceCode);
        w.Text(14, e.SupplServiceCode);
        w.Int(15, e.SupplServiceActionCode);
        w.Text(16, e.AccessPointNameNI);
        w.Text(17, e.AccessPointNameOI);
        w.Int(18, e.ChargingId);
        w.Int(19, e.DataVolumeIncoming);
        w.Int(20, e.DataVolumeOutgoing);
        w.Int(21, e.ServiceType);
        w.Text(22, e.EventReference);
        w.Int(23, e.ContentTransactionCode);
        w.Int(24, e.ContentTransactionType);
        w.Text(25, e.ContentProviderName);
        w.Text(26, e.TransactionIdentifier);
        w.Text(27, e.TrackingCustomerIdentifier);
        for (var c = 0; c < e.Charges.Count; c++)
        {
            var charge = e.Charges[c];
            w.Byte(40);
            w.Text(41, charge.ChargedItem);
            w.Int(42, charge.ExchangeRateCode);
            w.Int(43, charge.CallTypeLevel1);
            w.Int(44, charge.CallTypeLevel2);
            w.Int(45, charge.CallTypeLevel3);
            for (var d = 0; d < charge.Details.Count; d++)
            {
                var detail = charge.Details[d];
                w.Byte(46);
                w.Text(47, detail.ChargeType);
                w.Int(48, detail.Charge);
                w.Int(49, detail.ChargeableUnits);
                w.Int(50, detail.ChargedUnits);
            }

            for (var t = 0; t < charge.Taxes.Count; t++)
            {
                var tax = charge.Taxes[t];
                w.Byte(51);
                w.Int(52, tax.TaxCode);
                w.Int(53, tax.TaxValue);
                w.Int(54, tax.TaxableAmount);
            }

            w.Int(55, charge.DiscountCode);
            w.Int(56, charge.Discount);
            w.Byte(57);
        }

        w.Byte(0xFF);
        length = w.Position;
        return !w.Overflow;
    }

    private ref struct Writer
    {
        private readonly Span<byte> _buffer;

        public Writer(Span<byte> buffer)
        {
            _buffer = buffer;
            Position = 0;
            Overflow = false;
        }

        public int Position { get; private set; }

        public bool Overflow { get; private set; }

        public void Byte(byte value)
        {
            if (Position >= _buffer.Length)
            {
                Overflow = true;
                return;
            }

            _buffer[Position++] = value;
        }

        public void Int64(long value)
        {
            if (Position + 8 > _buffer.Length)
            {
                Overflow = true;
                return;
            }

            BinaryPrimitives.WriteInt64BigEndian(_buffer[Position..], value);
            Position += 8;
        }

        public void Int(byte field, long? value)
        {
            if (value is long v)
            {
                Byte(field);
                Int64(v);
            }
        }

        public void Text(byte field, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (Position + 3 + value.Length > _buffer.Length)
            {
                Overflow = true;
                return;
            }

            _buffer[Position++] = field;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], (ushort)Math.Min(value.Length, ushort.MaxValue));
            Position += 2;
            for (var i = 0; i < value.Length && i < ushort.MaxValue; i++)
            {
                // Values come from Latin-1 octets, so each char is one byte.
                _buffer[Position++] = (byte)value[i];
            }
        }
    }
}
