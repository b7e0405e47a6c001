namespace Restcomm.Tap3;

/// <summary>How a <see cref="CallEventField"/> holds its value.</summary>
public enum CallEventFieldType
{
    /// <summary>Text written as an OCTET STRING (Latin-1).</summary>
    Text,

    /// <summary>Digits written as a TAP BCDString (IMSI, MSISDN, IMEI, numbers).</summary>
    Digits,

    /// <summary>A 64-bit INTEGER.</summary>
    Integer,

    /// <summary>A 32-bit INTEGER.</summary>
    Integer32,

    /// <summary>The start timestamp (<see cref="CallEvent.StartTime"/>).</summary>
    Timestamp,

    /// <summary>A list of 32-bit INTEGERs (<see cref="CallEvent.RecEntityCodes"/>).</summary>
    IntegerList,
}

/// <summary>
/// One item of the flat <see cref="CallEvent"/> (everything but the charges), in canonical order. This table is
/// the single description of the call-event items: the decoder, the canonical record hash, the conversion to and
/// from the decoder's flat form and the CLI's JSON all walk it.
/// </summary>
public sealed class CallEventField
{
    private readonly (Func<CallEvent, string?> Get, Action<CallEvent, string?> Set)? _text;
    private readonly (Func<CallEvent, long?> Get, Action<CallEvent, long?> Set)? _integer;

    private CallEventField(int id, string name, CallEventFieldType type,
        (Func<CallEvent, string?>, Action<CallEvent, string?>)? text = null,
        (Func<CallEvent, long?>, Action<CallEvent, long?>)? integer = null)
    {
        (Id, Name, Type) = (id, name, type);
        (_text, _integer) = (text, integer);
    }

    /// <summary>Every item in canonical order (ids 1–27, the order of the canonical encoding and of the JSON output).</summary>
    public static IReadOnlyList<CallEventField> All { get; } = Create();

    /// <summary>Field id in the canonical record encoding (library README, "Canonical record hash").</summary>
    public int Id { get; }

    /// <summary>camelCase name (the <see cref="CallEvent"/> property, as JSON names it).</summary>
    public string Name { get; }

    /// <summary>How the value is held.</summary>
    public CallEventFieldType Type { get; }

    /// <summary>True for <see cref="CallEventFieldType.Text"/> and <see cref="CallEventFieldType.Digits"/>.</summary>
    public bool IsText => Type is CallEventFieldType.Text or CallEventFieldType.Digits;

    /// <summary>True for <see cref="CallEventFieldType.Integer"/> and <see cref="CallEventFieldType.Integer32"/>.</summary>
    public bool IsInteger => Type is CallEventFieldType.Integer or CallEventFieldType.Integer32;

    /// <summary>The value of a text item of <paramref name="callEvent"/>; null when absent.</summary>
    public string? GetText(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return _text is { } text ? text.Get(callEvent) : throw new InvalidOperationException($"{Name} is not a text item");
    }

    /// <summary>The value of an integer item of <paramref name="callEvent"/>; null when absent.</summary>
    public long? GetInteger(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return _integer is { } integer ? integer.Get(callEvent) : throw new InvalidOperationException($"{Name} is not an integer item");
    }

    internal void SetText(CallEvent callEvent, string? value) => _text!.Value.Set(callEvent, value);

    internal void SetInteger(CallEvent callEvent, long? value) => _integer!.Value.Set(callEvent, value);

    private static CallEventField Text(int id, string name, Func<CallEvent, string?> get, Action<CallEvent, string?> set, bool digits = false) =>
        new(id, name, digits ? CallEventFieldType.Digits : CallEventFieldType.Text, text: (get, set));

    private static CallEventField Int64(int id, string name, Func<CallEvent, long?> get, Action<CallEvent, long?> set) =>
        new(id, name, CallEventFieldType.Integer, integer: (get, set));

    private static CallEventField Int32(int id, string name, Func<CallEvent, int?> get, Action<CallEvent, int?> set) =>
        new(id, name, CallEventFieldType.Integer32, integer: (e => get(e), (e, v) => set(e, checked((int?)v))));

    private static CallEventField[] Create() =>
    [
        Text(1, "imsi", e => e.Imsi, (e, v) => e.Imsi = v, digits: true),
        Text(2, "msisdn", e => e.Msisdn, (e, v) => e.Msisdn = v, digits: true),
        Text(3, "imei", e => e.Imei, (e, v) => e.Imei = v, digits: true),
        new(4, "startTime", CallEventFieldType.Timestamp),
        Int64(5, "durationSeconds", e => e.DurationSeconds, (e, v) => e.DurationSeconds = v),
        Int32(6, "causeForTerm", e => e.CauseForTerm, (e, v) => e.CauseForTerm = v),
        Text(7, "otherPartyNumber", e => e.OtherPartyNumber, (e, v) => e.OtherPartyNumber = v, digits: true),
        Text(8, "partnerNetwork", e => e.PartnerNetwork, (e, v) => e.PartnerNetwork = v),
        new(9, "recEntityCodes", CallEventFieldType.IntegerList),
        Int64(10, "locationArea", e => e.LocationArea, (e, v) => e.LocationArea = v),
        Int64(11, "cellId", e => e.CellId, (e, v) => e.CellId = v),
        Text(12, "teleServiceCode", e => e.TeleServiceCode, (e, v) => e.TeleServiceCode = v),
        Text(13, "bearerServiceCode", e => e.BearerServiceCode, (e, v) => e.BearerServiceCode = v),
        Text(14, "supplServiceCode", e => e.SupplServiceCode, (e, v) => e.SupplServiceCode = v),
        Int32(15, "supplServiceActionCode", e => e.SupplServiceActionCode, (e, v) => e.SupplServiceActionCode = v),
        Text(16, "accessPointNameNI", e => e.AccessPointNameNI, (e, v) => e.AccessPointNameNI = v),
        Text(17, "accessPointNameOI", e => e.AccessPointNameOI, (e, v) => e.AccessPointNameOI = v),
        Int64(18, "chargingId", e => e.ChargingId, (e, v) => e.ChargingId = v),
        Int64(19, "dataVolumeIncoming", e => e.DataVolumeIncoming, (e, v) => e.DataVolumeIncoming = v),
        Int64(20, "dataVolumeOutgoing", e => e.DataVolumeOutgoing, (e, v) => e.DataVolumeOutgoing = v),
        Int32(21, "serviceType", e => e.ServiceType, (e, v) => e.ServiceType = v),
        Text(22, "eventReference", e => e.EventReference, (e, v) => e.EventReference = v),
        Int32(23, "contentTransactionCode", e => e.ContentTransactionCode, (e, v) => e.ContentTransactionCode = v),
        Int32(24, "contentTransactionType", e => e.ContentTransactionType, (e, v) => e.ContentTransactionType = v),
        Text(25, "contentProviderName", e => e.ContentProviderName, (e, v) => e.ContentProviderName = v),
        Text(26, "transactionIdentifier", e => e.TransactionIdentifier, (e, v) => e.TransactionIdentifier = v),
        Text(27, "trackingCustomerIdentifier", e => e.TrackingCustomerIdentifier, (e, v) => e.TrackingCustomerIdentifier = v),
    ];
}
