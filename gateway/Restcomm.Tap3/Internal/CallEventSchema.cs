using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// Where each item of <see cref="CallEventField.All"/> sits in each call-event type, in TD.57 element order: one tree
/// per type. The encoder writes a call event by walking its type's tree; the decoder takes from all the trees which
/// tags are groups to look into and which item tags fill which field (its inner loop then reads a flat tag table).
/// </summary>
internal static class CallEventSchema
{
    /// <summary>Each call-event type with its CallEventDetail tag and the tree of its content.</summary>
    public static IReadOnlyList<(CallEventKind Kind, int Tag, Node[] Content)> Types { get; } =
    [
        (CallEventKind.MobileOriginatedCall, MobileOriginatedCall, Call(originated: true)),
        (CallEventKind.MobileTerminatedCall, MobileTerminatedCall, Call(originated: false)),
        (CallEventKind.SupplementaryServiceEvent, SupplServiceEvent,
        [
            SimSubscriber(), Location(), Equipment(),
            Group(SupplServiceUsed, Leaf(SupplServiceCode, 14), Leaf(SupplServiceActionCode, 15), new StartTime(ChargingTimeStamp), new FirstCharge()),
        ]),
        (CallEventKind.ServiceCentreUsage, ServiceCentreUsage,
        [
            Group(191 /* ScuBasicInformation */, Group(430 /* ScuChargeableSubscriber */, Group(GsmChargeableSubscriber, Leaf(Imsi, 1), Leaf(Msisdn, 2)))),
            new RecEntities(asList: false), new FirstCharge(),
        ]),
        (CallEventKind.GprsCall, GprsCall,
        [
            Group(GprsBasicCallInformation,
                Group(GprsChargeableSubscriber, SimSubscriber()),
                Group(GprsDestination, Leaf(AccessPointNameNI, 16), Leaf(AccessPointNameOI, 17)),
                new StartTime(CallEventStartTimeStamp), Leaf(TotalCallEventDuration, 5), Leaf(CauseForTerm, 6), Leaf(ChargingId, 18)),
            Group(GprsLocationInformation, Group(GprsNetworkLocation, new RecEntities(asList: true), Leaf(LocationArea, 10), Leaf(CellId, 11))),
            Equipment(),
            Group(GprsServiceUsed, Leaf(DataVolumeIncoming, 19), Leaf(DataVolumeOutgoing, 20), new ChargeList(ChargeInformationList, TapTags.ChargeInformation)),
        ]),
        (CallEventKind.ContentTransaction, ContentTransaction,
        [
            Group(ContentTransactionBasicInfo, new StartTime(OrderPlacedTimeStamp)),
            Group(ChargedPartyInformation, Group(ChargedPartyIdList, new ChargedPartyIds())),
            Group(ServingPartiesInformation, Leaf(ContentProviderName, 25)),
            Group(ContentServiceUsedList, Group(ContentServiceUsed,
                Leaf(ContentTransactionCode, 23), Leaf(ContentTransactionType, 24), Leaf(TransactionIdentifier, 26),
                new ChargeList(ChargeInformationList, TapTags.ChargeInformation))),
        ]),
        (CallEventKind.LocationService, LocationService,
        [
            new RecEntities(asList: false),
            Optional(TrackingCustomerInformation, Group(299 /* TrackingCustomerIdList */, Group(362 /* TrackingCustomerIdentification */,
                new Constant(363 /* CustomerIdType */, 1), Leaf(364 /* CustomerIdentifier */, 27, "CustomerIdentifier")))),
            Group(LocationServiceUsage, Group(LCSQosRequested, new StartTime(384 /* LCSRequestTimestamp */)), new ChargeList(ChargeInformationList, TapTags.ChargeInformation)),
        ]),
        (CallEventKind.MessagingEvent, MessagingEvent,
        [
            Leaf(MessagingEventService, 21, "Service"), ChargedPartyGroup(), Leaf(EventReference, 22), new RecEntities(asList: true),
            Leaf(LocationArea, 10), Leaf(CellId, 11), new StartTime(ServiceStartTimestamp), new DirectCharge(),
        ]),
        (CallEventKind.MobileSession, MobileSession,
        [
            Leaf(MobileSessionService, 21, "Service"), ChargedPartyGroup(), Leaf(LocationArea, 10), Leaf(CellId, 11),
            Leaf(EventReference, 22), new RecEntities(asList: true), new StartTime(ServiceStartTimestamp), Leaf(CauseForTerm, 6),
            Leaf(TotalCallEventDuration, 5), new ChargeList(SessionChargeInfoList, SessionChargeInformation),
        ]),
    ];

    /// <summary>Writes <paramref name="e"/> as its CallEventDetail alternative.</summary>
    public static void Write(BerWriter w, CallEvent e)
    {
        if ((uint)e.Kind >= (uint)ByKind.Length || ByKind[(int)e.Kind] is not { } type)
        {
            throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "unknown call event kind");
        }

        var (tag, content) = type;
        w.Begin(tag);
        foreach (var node in content)
        {
            node.Write(w, e);
        }

        w.End();
    }

    private static readonly (int Tag, Node[] Content)?[] ByKind = IndexByKind();

    private static (int Tag, Node[] Content)?[] IndexByKind()
    {
        var byKind = new (int Tag, Node[] Content)?[Enum.GetValues<CallEventKind>().Length];
        foreach (var (kind, tag, content) in Types)
        {
            byKind[(int)kind] = (tag, content);
        }

        return byKind;
    }

    /// <summary>Every group tag below the call-event level and every item tag with its field id and item name.</summary>
    public static void Collect(Action<int> group, Action<int, int, string> field)
    {
        foreach (var (_, _, content) in Types)
        {
            foreach (var node in content)
            {
                node.Collect(group, field);
            }
        }
    }

    private static Node[] Call(bool originated) =>
    [
        Group(originated ? MoBasicCallInformation : MtBasicCallInformation,
            SimSubscriber(),
            originated
                ? Optional(Destination, Leaf(CalledNumber, 7))
                : Optional(CallOriginator, Leaf(CallingNumber, 7)),
            originated ? Leaf(DestinationNetwork, 8) : Leaf(OriginatingNetwork, 8),
            new StartTime(CallEventStartTimeStamp), Leaf(TotalCallEventDuration, 5), Leaf(CauseForTerm, 6)),
        Location(),
        Equipment(),
        Group(BasicServiceUsedList, Group(BasicServiceUsed,
            Group(BasicService, Group(BasicServiceCode, new FirstPresent(Leaf(TeleServiceCode, 12), Leaf(BearerServiceCode, 13)))),
            new ChargeList(ChargeInformationList, TapTags.ChargeInformation))),
    ];

    private static Node SimSubscriber() =>
        Group(ChargeableSubscriber, Group(SimChargeableSubscriber, Leaf(Imsi, 1), Leaf(Msisdn, 2)));

    private static Node ChargedPartyGroup() =>
        Group(ChargedParty, Leaf(Imsi, 1), Leaf(Msisdn, 2), Leaf(Imei, 3));

    private static Node Location() =>
        Group(LocationInformation, Group(NetworkLocation, new RecEntities(asList: false), Leaf(LocationArea, 10), Leaf(CellId, 11)));

    private static Node Equipment() => Optional(ImeiOrEsn, Leaf(Imei, 3));

    private static GroupNode Group(int tag, params Node[] children) => new(tag, optional: false, children);

    private static GroupNode Optional(int tag, params Node[] children) => new(tag, optional: true, children);

    private static LeafNode Leaf(int tag, int field, string? item = null) =>
        new(tag, field, item ?? TapTags.NameOf(tag));

    private static bool AnyHasValue(Node[] nodes, CallEvent e)
    {
        foreach (var node in nodes)
        {
            if (node.HasValue(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One element of a call-event tree.</summary>
    internal abstract class Node
    {
        public abstract void Write(BerWriter w, CallEvent e);

        /// <summary>True when the node writes a value of the event (what makes an optional group worth writing).</summary>
        public virtual bool HasValue(CallEvent e) => false;

        public virtual void Collect(Action<int> group, Action<int, int, string> field)
        {
        }
    }

    /// <summary>A constructed element; an optional one is left out when nothing inside has a value.</summary>
    private sealed class GroupNode(int tag, bool optional, Node[] children) : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            if (optional && !HasValue(e))
            {
                return;
            }

            w.Begin(tag);
            foreach (var child in children)
            {
                child.Write(w, e);
            }

            w.End();
        }

        public override bool HasValue(CallEvent e) => AnyHasValue(children, e);

        public override void Collect(Action<int> group, Action<int, int, string> field)
        {
            group(tag);
            foreach (var child in children)
            {
                child.Collect(group, field);
            }
        }
    }

    /// <summary>One item of <see cref="CallEventField.All"/> as a primitive element (OCTET STRING, BCDString, INTEGER).</summary>
    private sealed class LeafNode(int tag, int fieldId, string item) : Node
    {
        private readonly CallEventField _field = FlatRecord.Field(fieldId)!;

        public override void Write(BerWriter w, CallEvent e)
        {
            switch (_field.Type)
            {
                case CallEventFieldType.Digits:
                    w.Bcd(tag, _field.GetText(e));
                    break;
                case CallEventFieldType.Text:
                    w.Text(tag, _field.GetText(e));
                    break;
                default:
                    w.Integer(tag, _field.GetInteger(e));
                    break;
            }
        }

        public override bool HasValue(CallEvent e) => _field.IsText ? _field.GetText(e) is not null : _field.GetInteger(e) is not null;

        public override void Collect(Action<int> group, Action<int, int, string> field) => field(tag, fieldId, item);
    }

    /// <summary>The first of several alternatives that has a value (TeleServiceCode or BearerServiceCode).</summary>
    private sealed class FirstPresent(params Node[] alternatives) : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            foreach (var alternative in alternatives)
            {
                if (alternative.HasValue(e))
                {
                    alternative.Write(w, e);
                    return;
                }
            }
        }

        public override bool HasValue(CallEvent e) => AnyHasValue(alternatives, e);

        public override void Collect(Action<int> group, Action<int, int, string> field)
        {
            foreach (var alternative in alternatives)
            {
                alternative.Collect(group, field);
            }
        }
    }

    /// <summary>A fixed INTEGER written whenever its group is.</summary>
    private sealed class Constant(int tag, long value) : Node
    {
        public override void Write(BerWriter w, CallEvent e) => w.Integer(tag, value);
    }

    /// <summary>The start timestamp as a DateTime (LocalTimeStamp + UtcTimeOffsetCode).</summary>
    private sealed class StartTime(int tag) : Node
    {
        public override void Write(BerWriter w, CallEvent e) => TapWriterCore.WriteDateTime(w, tag, e.StartTime);

        public override bool HasValue(CallEvent e) => e.StartTime is not null;
    }

    /// <summary>RecEntityCodes: the first as a lone RecEntityCode, or all of them in a RecEntityCodeList.</summary>
    private sealed class RecEntities(bool asList) : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            if (e.RecEntityCodes.Count == 0)
            {
                return;
            }

            if (!asList)
            {
                w.Integer(RecEntityCode, e.RecEntityCodes[0]);
                return;
            }

            w.Begin(RecEntityCodeList);
            foreach (var code in e.RecEntityCodes)
            {
                w.Integer(RecEntityCode, code);
            }

            w.End();
        }

        public override bool HasValue(CallEvent e) => e.RecEntityCodes.Count > 0;

        public override void Collect(Action<int> group, Action<int, int, string> field)
        {
            if (asList)
            {
                group(RecEntityCodeList);
            }
        }
    }

    /// <summary>All charges in a list group (ChargeInformationList or SessionChargeInfoList).</summary>
    private sealed class ChargeList(int listTag, int itemTag) : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            if (e.Charges.Count == 0)
            {
                return;
            }

            w.Begin(listTag);
            foreach (var charge in e.Charges)
            {
                TapWriterCore.WriteChargeInformation(w, itemTag, charge);
            }

            w.End();
        }

        public override bool HasValue(CallEvent e) => e.Charges.Count > 0;

        public override void Collect(Action<int> group, Action<int, int, string> field) => group(listTag);
    }

    /// <summary>The first charge as a lone ChargeInformation (supplementary service, service-centre usage).</summary>
    private sealed class FirstCharge : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            if (e.Charges.Count > 0)
            {
                TapWriterCore.WriteChargeInformation(w, TapTags.ChargeInformation, e.Charges[0]);
            }
        }

        public override bool HasValue(CallEvent e) => e.Charges.Count > 0;
    }

    /// <summary>A MessagingEvent's one charge, written directly: ExchangeRateCode, CallTypeGroup, Charge, TaxInformationList.</summary>
    private sealed class DirectCharge : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            if (e.Charges.Count == 0)
            {
                return;
            }

            var c = e.Charges[0];
            w.Integer(ExchangeRateCode, c.ExchangeRateCode);
            TapWriterCore.WriteCallTypeGroup(w, c);
            if (c.Details.Count > 0)
            {
                w.Integer(Charge, c.Details[0].Charge);
            }

            TapWriterCore.WriteTaxes(w, c);
        }

        public override bool HasValue(CallEvent e) => e.Charges.Count > 0;
    }

    /// <summary>A content transaction's charged party: IMSI (type 1) and MSISDN (type 2) as text identifiers.</summary>
    private sealed class ChargedPartyIds : Node
    {
        public override void Write(BerWriter w, CallEvent e)
        {
            Identification(w, 1, e.Imsi);
            Identification(w, 2, e.Msisdn);
        }

        public override bool HasValue(CallEvent e) => e.Imsi is not null || e.Msisdn is not null;

        private static void Identification(BerWriter w, int type, string? identifier)
        {
            if (identifier is null)
            {
                return;
            }

            w.Begin(ChargedPartyIdentification);
            w.Integer(ChargedPartyIdType, type);
            w.Text(ChargedPartyIdentifier, identifier);
            w.End();
        }
    }
}
