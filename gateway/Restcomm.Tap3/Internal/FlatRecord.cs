using System.Runtime.CompilerServices;
using System.Text;
using Restcomm.Hashing;

namespace Restcomm.Tap3.Internal;

/// <summary>One ChargeInformation of a <see cref="FlatRecord"/>; texts are ranges of <see cref="FlatRecord.Bytes"/>.</summary>
internal struct ChargeSlot
{
    public const int HasChargedItem = 1;
    public const int HasExchangeRateCode = 2;
    public const int HasCallTypeLevel1 = 4;
    public const int HasCallTypeLevel2 = 8;
    public const int HasCallTypeLevel3 = 16;
    public const int HasDiscountCode = 32;
    public const int HasDiscount = 64;

    public int Flags;
    public int ChargedItemStart;
    public int ChargedItemLength;
    public int ExchangeRateCode;
    public int CallTypeLevel1;
    public int CallTypeLevel2;
    public int CallTypeLevel3;
    public int DiscountCode;
    public long Discount;
}

/// <summary>One ChargeDetail of a <see cref="FlatRecord"/>, belonging to charge <see cref="Charge"/>.</summary>
internal struct DetailSlot
{
    public const int HasChargeableUnits = 1;
    public const int HasChargedUnits = 2;

    public int Charge;
    public int Flags;

    /// <summary>Start of the ChargeType text in <see cref="FlatRecord.Bytes"/>; -1 when the type is null.</summary>
    public int TypeStart;
    public int TypeLength;
    public long Amount;
    public long ChargeableUnits;
    public long ChargedUnits;
}

/// <summary>One TaxInformation of a <see cref="FlatRecord"/>, belonging to charge <see cref="Charge"/>.</summary>
internal struct TaxSlot
{
    public int Charge;
    public int Code;
    public bool HasTaxableAmount;
    public long Value;
    public long TaxableAmount;
}

/// <summary>An element of a call event whose tag TD.57 does not define, found holding TD.57 items.</summary>
/// <param name="Tag">Its tag, as folded by <see cref="Ber"/>.</param>
/// <param name="Offset">Its absolute byte offset.</param>
/// <param name="HoldsMoney">True when charge, tax or discount items were found inside it.</param>
internal readonly record struct UnknownElement(int Tag, long Offset, bool HoldsMoney);

/// <summary>
/// A call event as flat, reusable arrays: the items of <see cref="CallEventField.All"/> by id (integers as
/// <c>long</c>, text and BCD digits as Latin-1 byte ranges of one buffer), the start time as ticks, and the charges,
/// details and taxes as arrays of structs. The hot path decodes into it, validates, totals and hashes from it and
/// never creates strings or objects; <see cref="ToCallEvent"/> makes the public object only when a caller keeps
/// records, and <see cref="Load"/> brings a <see cref="CallEvent"/> back into this form so that the public
/// validation, totals and hash APIs share the one implementation. Reused: valid until the next <see cref="Begin"/>.
/// </summary>
internal sealed class FlatRecord
{
    /// <summary>Slots for field ids 0..27 (0 unused).</summary>
    public const int FieldSlots = 28;

    public const int StartTimeId = 4;
    public const int RecEntityCodesId = 9;

    private static readonly CallEventField?[] FieldsById = IndexFields();
    private static readonly CallEventFieldType[] TypesById = FieldsById.Select(f => f?.Type ?? CallEventFieldType.Integer).ToArray();

    [ThreadStatic]
    private static FlatRecord? t_loaded;

    public readonly long[] Integers = new long[FieldSlots];
    public readonly int[] TextStart = new int[FieldSlots];
    public readonly int[] TextLength = new int[FieldSlots];

    public CallEventKind Kind;

    /// <summary>Bit <c>1 &lt;&lt; id</c> for every present field, including the start time (4) and rec entity codes (9).</summary>
    public uint Present;

    public byte[] Bytes = new byte[512];
    public int BytesUsed;

    public long StartTicks;
    public int StartOffsetCode;
    public bool HasStartOffsetCode;
    public int StartOffsetMinutes;
    public bool HasStartOffsetMinutes;

    public int[] RecEntityCodes = new int[8];
    public int RecEntityCount;

    public ChargeSlot[] Charges = new ChargeSlot[4];
    public int ChargeCount;
    public DetailSlot[] Details = new DetailSlot[8];
    public int DetailCount;
    public TaxSlot[] Taxes = new TaxSlot[8];
    public int TaxCount;

    /// <summary>Elements with tags TD.57 does not define that hold TD.57 items (rare; see <see cref="KnownTags"/>).</summary>
    public UnknownElement[] Unknowns = new UnknownElement[2];
    public int UnknownCount;

    /// <summary>
    /// Absolute offsets of elements hidden from the decoder to read the rest of a call event with an unusable value
    /// (see <see cref="CallEventDecoder.DecodeAround"/>); not cleared by <see cref="Begin"/>.
    /// </summary>
    public long[] Hidden = new long[CallEventDecoder.MaxHiddenElements];
    public int HiddenCount;

    /// <summary>Scratch for the canonical encoding and the digest context of whoever owns this record.</summary>
    public byte[] Canonical = new byte[4096];
    public readonly byte[] DigestContext = ShortSha256.NewContext();

    /// <summary>The field descriptor with canonical id <paramref name="id"/> (null for unused ids).</summary>
    public static CallEventField? Field(int id) => FieldsById[id];

    /// <summary>The type of field <paramref name="id"/> (a plain array read for the decoder's inner loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CallEventFieldType TypeOf(int id) => TypesById[id];

    /// <summary>A per-thread record for converting public <see cref="CallEvent"/> objects (cold paths).</summary>
    public static FlatRecord FromCallEvent(CallEvent callEvent)
    {
        var record = t_loaded ??= new FlatRecord();
        record.Load(callEvent);
        return record;
    }

    public void Begin(CallEventKind kind)
    {
        Kind = kind;
        Present = 0;
        BytesUsed = 0;
        RecEntityCount = 0;
        ChargeCount = 0;
        DetailCount = 0;
        TaxCount = 0;
        UnknownCount = 0;
    }

    public void AddUnknown(int tag, long offset, bool holdsMoney)
    {
        if (UnknownCount == Unknowns.Length)
        {
            Array.Resize(ref Unknowns, Unknowns.Length * 2);
        }

        Unknowns[UnknownCount++] = new UnknownElement(tag, offset, holdsMoney);
    }

    public bool IsHidden(long offset)
    {
        for (var i = 0; i < HiddenCount; i++)
        {
            if (Hidden[i] == offset)
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int id) => (Present & (1u << id)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetInteger(int id, long value)
    {
        Integers[id] = value;
        Present |= 1u << id;
    }

    /// <summary>Reserves <paramref name="length"/> bytes as the text of field <paramref name="id"/> and returns them.</summary>
    public Span<byte> SetText(int id, int length)
    {
        var start = Reserve(length);
        TextStart[id] = start;
        TextLength[id] = length;
        Present |= 1u << id;
        return Bytes.AsSpan(start, length);
    }

    public void SetText(int id, ReadOnlySpan<byte> value) => CopySmall(value, SetText(id, value.Length));

    /// <summary>Sets field <paramref name="id"/> to a range already in <see cref="Bytes"/>.</summary>
    public void SetTextRange(int id, int start, int length)
    {
        TextStart[id] = start;
        TextLength[id] = length;
        Present |= 1u << id;
    }

    public ReadOnlySpan<byte> Text(int id) => Bytes.AsSpan(TextStart[id], TextLength[id]);

    /// <summary>Copies <paramref name="value"/> into <see cref="Bytes"/> and returns where it starts.</summary>
    public int Append(ReadOnlySpan<byte> value)
    {
        var start = Reserve(value.Length);
        CopySmall(value, Bytes.AsSpan(start));
        return start;
    }

    /// <summary>Copies a TAP item (usually a few bytes) without the call a general memory copy costs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopySmall(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length > 16)
        {
            source.CopyTo(destination);
            return;
        }

        destination = destination[..source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    public int Reserve(int length)
    {
        if (Bytes.Length - BytesUsed < length)
        {
            Array.Resize(ref Bytes, Math.Max(Bytes.Length * 2, BytesUsed + length));
        }

        var start = BytesUsed;
        BytesUsed += length;
        return start;
    }

    public void SetStart(long ticks, int? code, int? minutes)
    {
        StartTicks = ticks;
        HasStartOffsetCode = code.HasValue;
        StartOffsetCode = code.GetValueOrDefault();
        HasStartOffsetMinutes = minutes.HasValue;
        StartOffsetMinutes = minutes.GetValueOrDefault();
        Present |= 1u << StartTimeId;
    }

    public void AddRecEntityCode(int code)
    {
        Next(ref RecEntityCodes, ref RecEntityCount) = code;
        Present |= 1u << RecEntityCodesId;
    }

    /// <summary>Adds an empty charge and returns its index.</summary>
    public int AddCharge()
    {
        Next(ref Charges, ref ChargeCount);
        return ChargeCount - 1;
    }

    public ref DetailSlot AddDetail(int charge)
    {
        ref var d = ref Next(ref Details, ref DetailCount);
        d.Charge = charge;
        return ref d;
    }

    public ref TaxSlot AddTax(int charge)
    {
        ref var t = ref Next(ref Taxes, ref TaxCount);
        t.Charge = charge;
        return ref t;
    }

    /// <summary>The next free slot of <paramref name="items"/>, cleared, growing the array when it is full.</summary>
    private static ref T Next<T>(ref T[] items, ref int count)
        where T : struct
    {
        if (count == items.Length)
        {
            Array.Resize(ref items, count * 2);
        }

        ref var slot = ref items[count++];
        slot = default;
        return ref slot;
    }

    public string? GetString(int id) => Has(id) ? Latin1(Text(id)) : null;

    public long? GetInteger(int id) => Has(id) ? Integers[id] : null;

    /// <summary>The start time as the public type; null when absent.</summary>
    public TapTimestamp? StartTime => Has(StartTimeId)
        ? new TapTimestamp(new DateTime(StartTicks, DateTimeKind.Unspecified),
            HasStartOffsetCode ? StartOffsetCode : null, HasStartOffsetMinutes ? StartOffsetMinutes : null)
        : null;

    /// <summary>True when ChargeType of <paramref name="detail"/> is "00" (the total charge).</summary>
    public bool IsTotalCharge(in DetailSlot detail) =>
        detail.TypeLength == 2 && Bytes[detail.TypeStart] == (byte)'0' && Bytes[detail.TypeStart + 1] == (byte)'0';

    /// <summary>Makes the public object (allocates; only when a caller keeps records).</summary>
    public CallEvent ToCallEvent()
    {
        var e = new CallEvent { Kind = Kind };
        foreach (var field in CallEventField.All)
        {
            if (!Has(field.Id))
            {
                continue;
            }

            switch (field.Type)
            {
                case CallEventFieldType.Text or CallEventFieldType.Digits:
                    field.SetText(e, TextCache.Get(Text(field.Id)));
                    break;
                case CallEventFieldType.Integer or CallEventFieldType.Integer32:
                    field.SetInteger(e, Integers[field.Id]);
                    break;
                case CallEventFieldType.Timestamp:
                    e.StartTime = StartTime;
                    break;
                case CallEventFieldType.IntegerList:
                    for (var i = 0; i < RecEntityCount; i++)
                    {
                        e.RecEntityCodes.Add(RecEntityCodes[i]);
                    }

                    break;
                default:
                    break;
            }
        }

        for (var c = 0; c < ChargeCount; c++)
        {
            ref readonly var slot = ref Charges[c];
            var info = new ChargeInformation
            {
                ChargedItem = (slot.Flags & ChargeSlot.HasChargedItem) != 0 ? TextCache.Get(Bytes.AsSpan(slot.ChargedItemStart, slot.ChargedItemLength)) : null,
                ExchangeRateCode = (slot.Flags & ChargeSlot.HasExchangeRateCode) != 0 ? slot.ExchangeRateCode : null,
                CallTypeLevel1 = (slot.Flags & ChargeSlot.HasCallTypeLevel1) != 0 ? slot.CallTypeLevel1 : null,
                CallTypeLevel2 = (slot.Flags & ChargeSlot.HasCallTypeLevel2) != 0 ? slot.CallTypeLevel2 : null,
                CallTypeLevel3 = (slot.Flags & ChargeSlot.HasCallTypeLevel3) != 0 ? slot.CallTypeLevel3 : null,
                DiscountCode = (slot.Flags & ChargeSlot.HasDiscountCode) != 0 ? slot.DiscountCode : null,
                Discount = (slot.Flags & ChargeSlot.HasDiscount) != 0 ? slot.Discount : null,
            };
            for (var d = 0; d < DetailCount; d++)
            {
                ref readonly var detail = ref Details[d];
                if (detail.Charge == c)
                {
                    info.Details.Add(new ChargeDetail(
                        detail.TypeStart < 0 ? null! : TextCache.Get(Bytes.AsSpan(detail.TypeStart, detail.TypeLength)),
                        detail.Amount,
                        (detail.Flags & DetailSlot.HasChargeableUnits) != 0 ? detail.ChargeableUnits : null,
                        (detail.Flags & DetailSlot.HasChargedUnits) != 0 ? detail.ChargedUnits : null));
                }
            }

            for (var t = 0; t < TaxCount; t++)
            {
                ref readonly var tax = ref Taxes[t];
                if (tax.Charge == c)
                {
                    info.Taxes.Add(new TaxItem(tax.Code, tax.Value, tax.HasTaxableAmount ? tax.TaxableAmount : null));
                }
            }

            e.Charges.Add(info);
        }

        return e;
    }

    /// <summary>Brings a public object into this form (each char of a text as one Latin-1 byte).</summary>
    public void Load(CallEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Begin(e.Kind);
        foreach (var field in CallEventField.All)
        {
            switch (field.Type)
            {
                case CallEventFieldType.Text or CallEventFieldType.Digits:
                    if (field.GetText(e) is { } text)
                    {
                        Latin1(text, SetText(field.Id, text.Length));
                    }

                    break;
                case CallEventFieldType.Integer or CallEventFieldType.Integer32:
                    if (field.GetInteger(e) is long value)
                    {
                        SetInteger(field.Id, value);
                    }

                    break;
                case CallEventFieldType.Timestamp:
                    if (e.StartTime is TapTimestamp start)
                    {
                        SetStart(start.LocalTime.Ticks, start.UtcOffsetCode, start.UtcOffsetMinutes);
                    }

                    break;
                case CallEventFieldType.IntegerList:
                    for (var i = 0; i < e.RecEntityCodes.Count; i++)
                    {
                        AddRecEntityCode(e.RecEntityCodes[i]);
                    }

                    break;
                default:
                    break;
            }
        }

        for (var c = 0; c < e.Charges.Count; c++)
        {
            var info = e.Charges[c];
            var index = AddCharge();
            var flags = 0;
            if (info.ChargedItem is { } item)
            {
                var start = Reserve(item.Length);
                Latin1(item, Bytes.AsSpan(start, item.Length));
                Charges[index].ChargedItemStart = start;
                Charges[index].ChargedItemLength = item.Length;
                flags |= ChargeSlot.HasChargedItem;
            }

            ref var slot = ref Charges[index];
            flags |= Optional(info.ExchangeRateCode, ChargeSlot.HasExchangeRateCode, ref slot.ExchangeRateCode);
            flags |= Optional(info.CallTypeLevel1, ChargeSlot.HasCallTypeLevel1, ref slot.CallTypeLevel1);
            flags |= Optional(info.CallTypeLevel2, ChargeSlot.HasCallTypeLevel2, ref slot.CallTypeLevel2);
            flags |= Optional(info.CallTypeLevel3, ChargeSlot.HasCallTypeLevel3, ref slot.CallTypeLevel3);
            flags |= Optional(info.DiscountCode, ChargeSlot.HasDiscountCode, ref slot.DiscountCode);
            if (info.Discount is long discount)
            {
                slot.Discount = discount;
                flags |= ChargeSlot.HasDiscount;
            }

            slot.Flags = flags;
            for (var d = 0; d < info.Details.Count; d++)
            {
                var source = info.Details[d];
                var typeStart = -1;
                var typeLength = 0;
                if (source.ChargeType is { } type)
                {
                    typeStart = Reserve(type.Length);
                    typeLength = type.Length;
                    Latin1(type, Bytes.AsSpan(typeStart, typeLength));
                }

                ref var detail = ref AddDetail(index);
                detail.TypeStart = typeStart;
                detail.TypeLength = typeLength;
                detail.Amount = source.Charge;
                if (source.ChargeableUnits is long chargeable)
                {
                    detail.ChargeableUnits = chargeable;
                    detail.Flags |= DetailSlot.HasChargeableUnits;
                }

                if (source.ChargedUnits is long charged)
                {
                    detail.ChargedUnits = charged;
                    detail.Flags |= DetailSlot.HasChargedUnits;
                }
            }

            for (var t = 0; t < info.Taxes.Count; t++)
            {
                var source = info.Taxes[t];
                ref var tax = ref AddTax(index);
                tax.Code = source.TaxCode;
                tax.Value = source.TaxValue;
                tax.HasTaxableAmount = source.TaxableAmount.HasValue;
                tax.TaxableAmount = source.TaxableAmount.GetValueOrDefault();
            }
        }
    }

    private static int Optional(int? value, int flag, ref int target)
    {
        if (value is int v)
        {
            target = v;
            return flag;
        }

        return 0;
    }

    private static void Latin1(string text, Span<byte> destination)
    {
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static CallEventField?[] IndexFields()
    {
        var byId = new CallEventField?[FieldSlots];
        foreach (var field in CallEventField.All)
        {
            byId[field.Id] = field;
        }

        return byId;
    }
}
