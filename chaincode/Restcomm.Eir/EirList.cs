using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>The list an entry is on (3GPP TS 22.016).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EirList>))]
public enum EirList
{
    /// <summary>Barred equipment: stolen, lost, fraudulently obtained, cloned or faulty.</summary>
    [JsonStringEnumMemberName("black")]
    Black = 1,

    /// <summary>Equipment under observation, not barred; every grey entry has an expiry.</summary>
    [JsonStringEnumMemberName("grey")]
    Grey = 2,

    /// <summary>Allowed equipment: type-approved TACs.</summary>
    [JsonStringEnumMemberName("white")]
    White = 3,
}

/// <summary>Why a device is on the black or grey list.</summary>
[JsonConverter(typeof(ReasonCodeJsonConverter))]
public enum ReasonCode
{
    /// <summary>Reported stolen.</summary>
    Stolen = 1,

    /// <summary>Reported lost.</summary>
    Lost = 2,

    /// <summary>Fraudulently obtained (e.g. subscription fraud).</summary>
    Fraud = 3,

    /// <summary>Duplicate: the IMEI is cloned and seen on more than one device.</summary>
    Duplicate = 4,

    /// <summary>Faulty or non-compliant equipment.</summary>
    Faulty = 5,

    /// <summary>Any other reason (say which in the note).</summary>
    Other = 6,
}

/// <summary>Equipment status names as MAP CheckIMEI (TS 29.002) and Diameter S13 (TS 29.272) use them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EquipmentStatus>))]
public enum EquipmentStatus
{
    /// <summary>Allowed (S13 WHITELISTED = 0).</summary>
    [JsonStringEnumMemberName("whiteListed")]
    WhiteListed = 0,

    /// <summary>Barred (S13 BLACKLISTED = 1).</summary>
    [JsonStringEnumMemberName("blackListed")]
    BlackListed = 1,

    /// <summary>Under observation (S13 GREYLISTED = 2).</summary>
    [JsonStringEnumMemberName("greyListed")]
    GreyListed = 2,
}

/// <summary>Text names of the EIR enumerations, as they appear on the ledger and in the REST API.</summary>
public static class EirNames
{
    /// <summary>The name of a list: black, grey, white.</summary>
    public static string Of(EirList list) => list switch
    {
        EirList.Black => "black",
        EirList.Grey => "grey",
        EirList.White => "white",
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, null),
    };

    /// <summary>The name of a reason code: stolen, lost, fraud, duplicate, faulty, other.</summary>
    public static string Of(ReasonCode reason) => reason switch
    {
        ReasonCode.Stolen => "stolen",
        ReasonCode.Lost => "lost",
        ReasonCode.Fraud => "fraud",
        ReasonCode.Duplicate => "duplicate",
        ReasonCode.Faulty => "faulty",
        ReasonCode.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The MAP / S13 name: whiteListed, blackListed, greyListed.</summary>
    public static string Of(EquipmentStatus status) => status switch
    {
        EquipmentStatus.WhiteListed => "whiteListed",
        EquipmentStatus.BlackListed => "blackListed",
        EquipmentStatus.GreyListed => "greyListed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a list name (case-insensitive).</summary>
    public static bool TryParseList(string? text, out EirList list)
    {
        list = default;
        switch (text?.ToUpperInvariant())
        {
            case "BLACK":
                list = EirList.Black;
                return true;
            case "GREY" or "GRAY":
                list = EirList.Grey;
                return true;
            case "WHITE":
                list = EirList.White;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Parses a reason code (case-insensitive), accepting the long forms <c>fraudulentlyObtained</c> for
    /// fraud and <c>cloned</c> for duplicate.
    /// </summary>
    public static bool TryParseReason(string? text, out ReasonCode reason)
    {
        reason = default;
        switch (text?.ToUpperInvariant())
        {
            case "STOLEN":
                reason = ReasonCode.Stolen;
                return true;
            case "LOST":
                reason = ReasonCode.Lost;
                return true;
            case "FRAUD" or "FRAUDULENTLYOBTAINED" or "FRAUDULENTLY_OBTAINED":
                reason = ReasonCode.Fraud;
                return true;
            case "DUPLICATE" or "CLONED":
                reason = ReasonCode.Duplicate;
                return true;
            case "FAULTY":
                reason = ReasonCode.Faulty;
                return true;
            case "OTHER":
                reason = ReasonCode.Other;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>Reads a reason code by name or alias and writes its canonical name.</summary>
public sealed class ReasonCodeJsonConverter : System.Text.Json.Serialization.JsonConverter<ReasonCode>
{
    /// <inheritdoc />
    public override ReasonCode Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        var text = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
        return EirNames.TryParseReason(text, out var reason)
            ? reason
            : throw new System.Text.Json.JsonException(
                $"Reason '{text}' is not known; use stolen, lost, fraud, duplicate, faulty or other.");
    }

    /// <inheritdoc />
    public override void Write(System.Text.Json.Utf8JsonWriter writer, ReasonCode value, System.Text.Json.JsonSerializerOptions options)
        => writer.WriteStringValue(EirNames.Of(value));
}
