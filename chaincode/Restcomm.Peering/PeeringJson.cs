using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Peering;

/// <summary>The JSON settings of peering profiles, ledger state, events and the API.</summary>
public static class PeeringJson
{
    /// <summary>camelCase names, nulls left out, enums as camelCase names (<c>sip</c>, <c>approved</c>).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
