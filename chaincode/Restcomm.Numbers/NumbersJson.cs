using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Numbers;

/// <summary>The JSON settings of number records, ledger state, events and the API.</summary>
public static class NumbersJson
{
    /// <summary>
    /// camelCase names, nulls left out, enums as camelCase names (<c>mobile</c>, <c>portActivated</c>), and <c>+</c> written
    /// as itself (every number starts with one; the default encoder would write <c>+</c>).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
