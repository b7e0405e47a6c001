using System.Runtime.CompilerServices;
using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// Decodes one CallEventDetail element into a <see cref="CallEvent"/>. TAP's implicit APPLICATION tags are unique
/// per type, so the decoder walks the known groups and reacts to item tags wherever they sit; groups it does not
/// model, and any unknown or extension element, are skipped by length without being looked into.
/// </summary>
internal static class CallEventDecoder
{
    /// <summary>The call-event type of a CallEventDetail tag; null for a type this decoder does not know.</summary>
    public static CallEventKind? KindOf(int tag) =>
        (uint)tag < TagTableSize && KindByTag[tag] is var kind and >= 0 ? (CallEventKind)kind : null;

    private static readonly sbyte[] KindByTag = BuildKindTable();

    private static sbyte[] BuildKindTable()
    {
        var table = new sbyte[TagTableSize];
        Array.Fill(table, (sbyte)-1);
        foreach (var (kind, tag, _) in CallEventSchema.Types)
        {
            table[tag] = (sbyte)kind;
        }

        return table;
    }

    /// <summary>
    /// Decodes the element that fills <paramref name="data"/> into a new <see cref="CallEvent"/>. Returns null for an
    /// unknown (extension) call event type. Throws <see cref="TapFormatException"/> for broken BER,
    /// <see cref="TapValueException"/> for unusable values.
    /// </summary>
    public static CallEvent? Decode(ReadOnlySpan<byte> data, long baseOffset, TapDecodeContext context)
    {
        var record = t_record ??= new FlatRecord();
        return Decode(data, baseOffset, context, record) ? record.ToCallEvent() : null;
    }

    [ThreadStatic]
    private static FlatRecord? t_record;

    /// <summary>
    /// The hot path: decodes into the reused <paramref name="record"/> (no strings, no objects). Returns false for an
    /// unknown (extension) call event type.
    /// </summary>
    public static bool Decode(ReadOnlySpan<byte> data, long baseOffset, TapDecodeContext context, FlatRecord record)
    {
        var pos = 0;
        var element = Ber.Read(data, ref pos, data.Length, baseOffset, 1, context.MaxDepth);
        if (KindOf(element.Tag) is not CallEventKind kind)
        {
            return false;
        }

        if (!element.Constructed)
        {
            Ber.ThrowFormat($"call event {Ber.DescribeTag(element.Tag)} is not constructed", baseOffset);
        }

        record.Begin(kind);
        Walk(data, element.ContentStart, element.ContentEnd, baseOffset, 2, context, record);
        return true;
    }

    // What an APPLICATION tag below 512 means inside a call event: 0 = ask the switch in Walk, Container = a group
    // the decoder looks into, else the canonical field id it fills (the type comes from CallEventField).
    private const int TagTableSize = 512;
    private const byte Container = 255;
    private static readonly byte[] TagRole = BuildTagRoles(out TagItems);
    private static readonly string?[] TagItems;

    /// <summary>The tag table, taken from the call-event trees of <see cref="CallEventSchema"/>.</summary>
    private static byte[] BuildTagRoles(out string?[] items)
    {
        var roles = new byte[TagTableSize];
        var names = new string?[TagTableSize];
        CallEventSchema.Collect(
            group: tag => roles[tag] = Container,
            field: (tag, id, item) =>
            {
                if (roles[tag] != 0 && roles[tag] != id)
                {
                    throw new InvalidOperationException($"{Ber.DescribeTag(tag)} is used for two different items");
                }

                roles[tag] = (byte)id;
                names[tag] = item;
            });

        items = names;
        return roles;
    }

    /// <summary>Tags the walk looks into (for tests: the decoder's view of the trees).</summary>
    internal static IEnumerable<int> ContainerTags => Enumerable.Range(0, TagTableSize).Where(t => TagRole[t] == Container);

    /// <summary>Item tags with the field id and item name they fill (for tests).</summary>
    internal static IEnumerable<(int Tag, int Field, string Item)> FieldTags =>
        Enumerable.Range(0, TagTableSize).Where(t => TagRole[t] is > 0 and < Container).Select(t => (t, (int)TagRole[t], TagItems[t]!));

    private static void Walk(ReadOnlySpan<byte> data, int start, int end, long baseOffset, int depth, TapDecodeContext context, FlatRecord r)
    {
        var pos = start;
        while (pos < end)
        {
            var e = Ber.Read(data, ref pos, end, baseOffset, depth, context.MaxDepth);
            var tag = e.Tag;
            var role = (uint)tag < TagTableSize ? TagRole[tag] : 0;
            if (role == Container)
            {
                RequireConstructed(e, baseOffset + e.Start);
                Walk(data, e.ContentStart, e.ContentEnd, baseOffset, depth + 1, context, r);
                continue;
            }

            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            if (role != 0)
            {
                ReadField(r, role, Primitive(value, e, offset), offset, TagItems[tag]!);
                continue;
            }

            switch (tag)
            {
                case CallEventStartTimeStamp or ServiceStartTimestamp or OrderPlacedTimeStamp or 384 /* LCSRequestTimestamp */ or ChargingTimeStamp:
                    RequireConstructed(e, offset);
                    if (!r.Has(FlatRecord.StartTimeId))
                    {
                        ReadDateTimeParts(data, e, baseOffset, depth + 1, context.MaxDepth, "timestamp", out var ticks, out var code, out var minutes);
                        r.SetStart(ticks, code, code is int c ? context.ResolveOffset(c) : minutes);
                    }

                    break;
                case RecEntityCode:
                    r.AddRecEntityCode(Ber.ReadInt32(Primitive(value, e, offset), offset, "RecEntityCode"));
                    break;
                case ChargedPartyIdentification:
                    RequireConstructed(e, offset);
                    ReadChargedPartyIdentification(data, e, baseOffset, depth + 1, context, r);
                    break;

                // A MessagingEvent carries its one charge directly: ExchangeRateCode, CallTypeGroup, Charge, TaxInformationList.
                case ExchangeRateCode:
                    {
                        var c = DirectCharge(r);
                        r.Charges[c].ExchangeRateCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "ExchangeRateCode");
                        r.Charges[c].Flags |= ChargeSlot.HasExchangeRateCode;
                    }

                    break;
                case CallTypeGroup:
                    RequireConstructed(e, offset);
                    ReadCallTypeGroup(data, e, baseOffset, depth + 1, context, r, DirectCharge(r));
                    break;
                case Charge:
                    {
                        var amount = Ber.ReadInteger(Primitive(value, e, offset), offset, "Charge");
                        var c = DirectCharge(r);
                        var typeStart = r.Append("00"u8);
                        ref var detail = ref r.AddDetail(c);
                        detail.TypeStart = typeStart;
                        detail.TypeLength = 2;
                        detail.Amount = amount;
                    }

                    break;
                case TaxInformationList:
                    RequireConstructed(e, offset);
                    ReadTaxList(data, e, baseOffset, depth + 1, context, r, DirectCharge(r));
                    break;
                case TapTags.ChargeInformation or SessionChargeInformation:
                    RequireConstructed(e, offset);
                    ReadChargeInformation(data, e, baseOffset, depth + 1, context, r);
                    break;
                default:
                    // Unmodelled group, operator-specific data or an extension: skipped by its length (an element TD.57
                    // does not define is looked into first, so that a charge cannot vanish under an altered tag).
                    if (!KnownTags.IsDefined(tag))
                    {
                        NoteUnknown(data, e, baseOffset, depth, context, r);
                    }

                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadField(FlatRecord r, int id, ReadOnlySpan<byte> value, long offset, string item)
    {
        switch (FlatRecord.TypeOf(id))
        {
            case CallEventFieldType.Digits:
                ReadBcd(r, id, value, offset, item);
                break;
            case CallEventFieldType.Text:
                r.SetText(id, value);
                break;
            case CallEventFieldType.Integer32:
                r.SetInteger(id, Ber.ReadInt32(value, offset, item));
                break;
            default:
                r.SetInteger(id, Ber.ReadInteger(value, offset, item));
                break;
        }
    }

    /// <summary>BCD digits straight into the record's text (same rules as <see cref="Ber.ReadBcd"/>).</summary>
    private static void ReadBcd(FlatRecord r, int id, ReadOnlySpan<byte> value, long offset, string item)
    {
        var digits = Ber.BcdDigitCount(value);
        var target = r.SetText(id, digits);
        Ber.WriteBcdDigits(value, target, offset, item);
    }

    private static int DirectCharge(FlatRecord r) => r.ChargeCount == 0 ? r.AddCharge() : 0;

    private static void ReadTaxList(ReadOnlySpan<byte> data, BerElement e, long baseOffset, int depth, TapDecodeContext context, FlatRecord r, int charge)
    {
        var p = e.ContentStart;
        while (p < e.ContentEnd)
        {
            var t = Ber.Read(data, ref p, e.ContentEnd, baseOffset, depth, context.MaxDepth);
            if (t.Tag == TaxInformation)
            {
                RequireConstructed(t, baseOffset + t.Start);
                ReadTax(data, t, baseOffset, depth + 1, context, r, charge);
            }
            else if (!KnownTags.IsDefined(t.Tag))
            {
                NoteUnknown(data, t, baseOffset, depth, context, r);
            }
        }
    }

    private static void ReadChargedPartyIdentification(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r)
    {
        int? type = null;
        var identifierStart = -1;
        var identifierLength = 0;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            if (e.Tag == ChargedPartyIdType)
            {
                type = Ber.ReadInt32(Primitive(data[e.ContentStart..e.ContentEnd], e, offset), offset, "ChargedPartyIdType");
            }
            else if (e.Tag == ChargedPartyIdentifier)
            {
                var value = Primitive(data[e.ContentStart..e.ContentEnd], e, offset);
                identifierStart = r.Append(value);
                identifierLength = value.Length;
            }
            else if (!KnownTags.IsDefined(e.Tag))
            {
                NoteUnknown(data, e, baseOffset, depth, context, r);
            }
        }

        // TD.57 ChargedPartyIdType: 1 IMSI, 2 MSISDN. A missing identifier clears the item, as a null would.
        if (type is 1 or 2)
        {
            var id = type == 1 ? 1 : 2;
            if (identifierStart >= 0)
            {
                r.SetTextRange(id, identifierStart, identifierLength);
            }
            else
            {
                r.Present &= ~(1u << id);
            }
        }
    }

    private static void ReadChargeInformation(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r)
    {
        var c = r.AddCharge();
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case ChargedItem:
                    {
                        var text = Primitive(value, e, offset);
                        var start = r.Append(text);
                        ref var slot = ref r.Charges[c];
                        slot.ChargedItemStart = start;
                        slot.ChargedItemLength = text.Length;
                        slot.Flags |= ChargeSlot.HasChargedItem;
                    }

                    break;
                case ExchangeRateCode:
                    r.Charges[c].ExchangeRateCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "ExchangeRateCode");
                    r.Charges[c].Flags |= ChargeSlot.HasExchangeRateCode;
                    break;
                case CallTypeGroup:
                    RequireConstructed(e, offset);
                    ReadCallTypeGroup(data, e, baseOffset, depth + 1, context, r, c);
                    break;
                case ChargeDetailList:
                    RequireConstructed(e, offset);
                    {
                        var p = e.ContentStart;
                        while (p < e.ContentEnd)
                        {
                            var d = Ber.Read(data, ref p, e.ContentEnd, baseOffset, depth + 1, context.MaxDepth);
                            if (d.Tag == TapTags.ChargeDetail)
                            {
                                RequireConstructed(d, baseOffset + d.Start);
                                ReadChargeDetail(data, d, baseOffset, depth + 2, context, r, c);
                            }
                            else if (!KnownTags.IsDefined(d.Tag))
                            {
                                NoteUnknown(data, d, baseOffset, depth + 1, context, r);
                            }
                        }
                    }

                    break;
                case TapTags.ChargeDetail:
                    RequireConstructed(e, offset);
                    ReadChargeDetail(data, e, baseOffset, depth + 1, context, r, c);
                    break;
                case TaxInformationList:
                    RequireConstructed(e, offset);
                    ReadTaxList(data, e, baseOffset, depth + 1, context, r, c);
                    break;
                case DiscountInformation:
                    RequireConstructed(e, offset);
                    ReadDiscount(data, e, baseOffset, depth + 1, context, r, c);
                    break;
                default:
                    if (!KnownTags.IsDefined(e.Tag))
                    {
                        NoteUnknown(data, e, baseOffset, depth, context, r);
                    }

                    break;
            }
        }
    }

    private static void ReadCallTypeGroup(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r, int c)
    {
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            ref var slot = ref r.Charges[c];
            switch (e.Tag)
            {
                case CallTypeLevel1:
                    slot.CallTypeLevel1 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel1");
                    slot.Flags |= ChargeSlot.HasCallTypeLevel1;
                    break;
                case CallTypeLevel2:
                    slot.CallTypeLevel2 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel2");
                    slot.Flags |= ChargeSlot.HasCallTypeLevel2;
                    break;
                case CallTypeLevel3:
                    slot.CallTypeLevel3 = Ber.ReadInt32(Primitive(value, e, offset), offset, "CallTypeLevel3");
                    slot.Flags |= ChargeSlot.HasCallTypeLevel3;
                    break;
                default:
                    if (!KnownTags.IsDefined(e.Tag))
                    {
                        NoteUnknown(data, e, baseOffset, depth, context, r);
                    }

                    break;
            }
        }
    }

    private static void ReadChargeDetail(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r, int c)
    {
        var typeStart = -1;
        var typeLength = 0;
        long charge = 0;
        var hasCharge = false;
        var flags = 0;
        long chargeable = 0;
        long charged = 0;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case ChargeType:
                    {
                        var text = Primitive(value, e, offset);
                        typeStart = r.Append(text);
                        typeLength = text.Length;
                    }

                    break;
                case Charge:
                    charge = Ber.ReadInteger(Primitive(value, e, offset), offset, "Charge");
                    hasCharge = true;
                    break;
                case ChargeableUnits:
                    chargeable = Ber.ReadInteger(Primitive(value, e, offset), offset, "ChargeableUnits");
                    flags |= DetailSlot.HasChargeableUnits;
                    break;
                case ChargedUnits:
                    charged = Ber.ReadInteger(Primitive(value, e, offset), offset, "ChargedUnits");
                    flags |= DetailSlot.HasChargedUnits;
                    break;
                default:
                    if (!KnownTags.IsDefined(e.Tag))
                    {
                        NoteUnknown(data, e, baseOffset, depth, context, r);
                    }

                    break;
            }
        }

        if (typeStart < 0)
        {
            Ber.ThrowValue("ChargeDetail", "mandatory item ChargeType missing", baseOffset + parent.Start);
        }

        if (!hasCharge)
        {
            Ber.ThrowValue("ChargeDetail", "mandatory item Charge missing", baseOffset + parent.Start);
        }

        ref var detail = ref r.AddDetail(c);
        detail.TypeStart = typeStart;
        detail.TypeLength = typeLength;
        detail.Amount = charge;
        detail.Flags = flags;
        detail.ChargeableUnits = chargeable;
        detail.ChargedUnits = charged;
    }

    private static void ReadTax(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r, int c)
    {
        var code = -1;
        long taxValue = 0;
        long taxable = 0;
        var hasTaxable = false;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case TaxCode:
                    code = Ber.ReadInt32(Primitive(value, e, offset), offset, "TaxCode");
                    break;
                case TaxValue:
                    taxValue = Ber.ReadInteger(Primitive(value, e, offset), offset, "TaxValue");
                    break;
                case TaxableAmount:
                    taxable = Ber.ReadInteger(Primitive(value, e, offset), offset, "TaxableAmount");
                    hasTaxable = true;
                    break;
                default:
                    if (!KnownTags.IsDefined(e.Tag))
                    {
                        NoteUnknown(data, e, baseOffset, depth, context, r);
                    }

                    break;
            }
        }

        ref var tax = ref r.AddTax(c);
        tax.Code = code;
        tax.Value = taxValue;
        tax.TaxableAmount = taxable;
        tax.HasTaxableAmount = hasTaxable;
    }

    private static void ReadDiscount(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext context, FlatRecord r, int c)
    {
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, context.MaxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            ref var slot = ref r.Charges[c];
            if (e.Tag == DiscountCode)
            {
                slot.DiscountCode = Ber.ReadInt32(Primitive(value, e, offset), offset, "DiscountCode");
                slot.Flags |= ChargeSlot.HasDiscountCode;
            }
            else if (e.Tag == Discount)
            {
                slot.Discount = Ber.ReadInteger(Primitive(value, e, offset), offset, "Discount");
                slot.Flags |= ChargeSlot.HasDiscount;
            }
            else if (!KnownTags.IsDefined(e.Tag))
            {
                NoteUnknown(data, e, baseOffset, depth, context, r);
            }
        }
    }

    /// <summary>
    /// The names of the elements from the call event in <paramref name="data"/> down to the one that contains the
    /// element at absolute offset <paramref name="target"/>, e.g. <c>GprsCall/GprsServiceUsed/ChargeInformationList</c>.
    /// For findings (cold path).
    /// </summary>
    public static string PathTo(ReadOnlySpan<byte> data, long baseOffset, long target)
    {
        var names = new List<string>();
        var pos = 0;
        var end = data.Length;
        var depth = 1;
        try
        {
            while (pos < end)
            {
                var e = Ber.Read(data, ref pos, end, baseOffset, depth, Ber.DefaultMaxDepth);
                if (baseOffset + e.Start == target)
                {
                    break;
                }

                if (e.Constructed && target > baseOffset + e.Start && target < baseOffset + e.End)
                {
                    names.Add(TapTags.NameOf(e.Tag));
                    pos = e.ContentStart;
                    end = e.ContentEnd;
                    depth++;
                }
            }
        }
        catch (TapFormatException)
        {
            // the path so far is still the best description
        }

        return string.Join('/', names);
    }

    /// <summary>Most elements hidden while decoding one call event around unusable values.</summary>
    public const int MaxHiddenElements = 16;

    /// <summary>
    /// An element with a tag TD.57 does not define is about to be skipped: look into it and note it when it holds
    /// TD.57 items (money above all) — an altered tag, not an extension. Opaque extensions stay silent. Cold path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void NoteUnknown(ReadOnlySpan<byte> data, in BerElement e, long baseOffset, int depth, TapDecodeContext context, FlatRecord r)
    {
        var offset = baseOffset + e.Start;
        if (!e.Constructed || r.IsHidden(offset))
        {
            return;
        }

        var found = Look(data, e, baseOffset, depth + 1, context.MaxDepth);
        if (found != Found.Nothing)
        {
            r.AddUnknown(e.Tag, offset, found == Found.Money);
        }
    }

    private enum Found
    {
        Nothing,
        Items,
        Money,
    }

    /// <summary>What TD.57 items an unknown constructed element holds, at any depth; content that is not BER holds none.</summary>
    private static Found Look(ReadOnlySpan<byte> data, in BerElement parent, long baseOffset, int depth, int maxDepth)
    {
        var found = Found.Nothing;
        try
        {
            var pos = parent.ContentStart;
            while (pos < parent.ContentEnd)
            {
                var c = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, maxDepth);
                if (KnownTags.IsMoney(c.Tag))
                {
                    return Found.Money;
                }

                if (KnownTags.IsDefined(c.Tag))
                {
                    found = Found.Items;
                }

                if (c.Constructed && Look(data, c, baseOffset, depth + 1, maxDepth) is var inner && inner > found)
                {
                    if (inner == Found.Money)
                    {
                        return Found.Money;
                    }

                    found = inner;
                }
            }
        }
        catch (TapFormatException)
        {
            // Not BER inside: an opaque extension, nothing TAP can be read from it.
        }

        return found;
    }

    /// <summary>
    /// Reads what can be read of a call event whose decoding stopped at an unusable value (<paramref name="failure"/>):
    /// the element in error is hidden (its tag turned from APPLICATION to PRIVATE class in a copy, so the decoder skips
    /// it like any unmodelled element) and the copy decoded again, up to <see cref="MaxHiddenElements"/> times. TD.57
    /// rejects such a call event but still counts its charges in the audit totals; this is how they are found. Returns
    /// false when the record cannot be read even so (then nothing of it is counted but the record itself).
    /// </summary>
    public static bool DecodeAround(ReadOnlySpan<byte> data, long baseOffset, TapDecodeContext context, FlatRecord record,
        TapValueException failure, ref byte[] scratch)
    {
        if (scratch.Length < data.Length)
        {
            scratch = new byte[Math.Max(data.Length, scratch.Length * 2)];
        }

        var copy = scratch.AsSpan(0, data.Length);
        data.CopyTo(copy);
        record.HiddenCount = 0;
        try
        {
            while (record.HiddenCount < MaxHiddenElements)
            {
                var local = failure.Offset - baseOffset;
                if (local <= 0 || local >= copy.Length || (copy[(int)local] & 0xC0) != 0x40 || record.IsHidden(failure.Offset))
                {
                    return false; // not an APPLICATION element inside the call event: nothing that can be hidden
                }

                copy[(int)local] |= 0xC0;
                record.Hidden[record.HiddenCount++] = failure.Offset;
                try
                {
                    return Decode(copy, baseOffset, context, record);
                }
                catch (TapValueException next)
                {
                    failure = next;
                }
            }

            return false;
        }
        catch (TapFormatException)
        {
            return false; // broken BER further on, never reached by the first attempt: the record stays unread
        }
        finally
        {
            record.HiddenCount = 0;
        }
    }

    /// <summary>DateTime (LocalTimeStamp + UtcTimeOffsetCode) or DateTimeLong (LocalTimeStamp + UtcTimeOffset).</summary>
    public static TapTimestamp ReadDateTime(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, TapDecodeContext? context, string item)
    {
        ReadDateTimeParts(data, parent, baseOffset, depth, context?.MaxDepth ?? Ber.DefaultMaxDepth, item, out var ticks, out var code, out var minutes);
        if (code is int c)
        {
            minutes = context?.ResolveOffset(c);
        }

        return new TapTimestamp(new DateTime(ticks, DateTimeKind.Unspecified), code, minutes);
    }

    /// <summary>
    /// The parts of a DateTime or DateTimeLong: local time in ticks, the UTC-offset code if given and the offset in
    /// minutes if written out (a code is left for the caller to resolve).
    /// </summary>
    public static void ReadDateTimeParts(ReadOnlySpan<byte> data, BerElement parent, long baseOffset, int depth, int maxDepth, string item,
        out long ticks, out int? code, out int? minutes)
    {
        ticks = -1;
        code = null;
        minutes = null;
        var pos = parent.ContentStart;
        while (pos < parent.ContentEnd)
        {
            var e = Ber.Read(data, ref pos, parent.ContentEnd, baseOffset, depth, maxDepth);
            var offset = baseOffset + e.Start;
            var value = data[e.ContentStart..e.ContentEnd];
            switch (e.Tag)
            {
                case LocalTimeStamp:
                    ticks = ParseLocal(Primitive(value, e, offset), offset, item);
                    break;
                case UtcTimeOffsetCode:
                    code = Ber.ReadInt32(Primitive(value, e, offset), offset, "UtcTimeOffsetCode");
                    break;
                case UtcTimeOffset:
                    {
                        var raw = Primitive(value, e, offset);
                        if (!TryParseOffset(raw, out var m))
                        {
                            Ber.ThrowValue("UtcTimeOffset", "not of the form +hhmm", offset);
                        }

                        minutes = m;
                    }

                    break;
                default:
                    break;
            }
        }

        if (ticks < 0)
        {
            Ber.ThrowValue(item, "mandatory item LocalTimeStamp missing", baseOffset + parent.Start);
        }
    }

    private static bool TryParseOffset(ReadOnlySpan<byte> raw, out int minutes)
    {
        minutes = 0;
        if (raw.Length != 5)
        {
            return false;
        }

        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < 5; i++)
        {
            chars[i] = (char)raw[i];
        }

        return TapTimestamp.TryParseOffset(chars, out minutes);
    }

    private static long ParseLocal(ReadOnlySpan<byte> text, long offset, string item)
    {
        if (text.Length != 14)
        {
            Ber.ThrowValue(item, $"LocalTimeStamp has {text.Length} characters, CCYYMMDDhhmmss expected", offset);
        }

        var year = Digits(text, 0, 4, offset, item);
        var month = Digits(text, 4, 2, offset, item);
        var day = Digits(text, 6, 2, offset, item);
        var hour = Digits(text, 8, 2, offset, item);
        var minute = Digits(text, 10, 2, offset, item);
        var second = Digits(text, 12, 2, offset, item);
        var leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || hour > 23 || minute > 59 || second > 59
            || day > (month == 2 ? (leap ? 29 : 28) : DaysBeforeMonth[month] - DaysBeforeMonth[month - 1]))
        {
            Ber.ThrowValue(item, "LocalTimeStamp is not a valid date and time", offset);
        }

        // The ticks DateTime would give, without its second round of checks.
        var y = year - 1;
        var days = (y * 365L) + (y / 4) - (y / 100) + (y / 400) + DaysBeforeMonth[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1;
        return (days * TimeSpan.TicksPerDay) + (((hour * 3600L) + (minute * 60) + second) * TimeSpan.TicksPerSecond);
    }

    private static readonly int[] DaysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    private static int Digits(ReadOnlySpan<byte> text, int start, int count, long offset, string item)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < (byte)'0' or > (byte)'9')
            {
                Ber.ThrowValue(item, "LocalTimeStamp contains a non-digit", offset);
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }

    public static ReadOnlySpan<byte> Primitive(ReadOnlySpan<byte> value, in BerElement e, long offset)
    {
        if (e.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(e.Tag), "must be primitive (syntax error)", offset);
        }

        return value;
    }

    public static void RequireConstructed(in BerElement e, long offset)
    {
        if (!e.Constructed)
        {
            Ber.ThrowValue(Ber.DescribeTag(e.Tag), "must be constructed (syntax error)", offset);
        }
    }
}
