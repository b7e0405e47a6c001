using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>The JSON settings of EIR entries, changes and events on the ledger and in the API.</summary>
public static class EirJson
{
    /// <summary>camelCase names, nulls left out, enums and identifiers as their text names.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
