using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Roaming;

/// <summary>The JSON settings of roaming documents, ledger state, events and the API.</summary>
public static class RoamingJson
{
    /// <summary>camelCase names, nulls left out, enums as camelCase names (<c>mocLocal</c>, <c>tieredLinear</c>).</summary>
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
