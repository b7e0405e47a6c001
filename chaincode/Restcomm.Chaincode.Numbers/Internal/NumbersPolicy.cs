using System.Globalization;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers.Internal;

/// <summary>Deployment choices of the numbering rules.</summary>
internal sealed record NumbersPolicy
{
    /// <summary>Environment variable listing read-only MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "NUMBERS_READONLY_MSPS";

    /// <summary>Environment variable: the donor's window (<c>d.hh:mm:ss</c>, e.g. <c>00:00:05</c> for demonstrations).</summary>
    public const string PortWindowVariable = "NUMBERS_PORT_WINDOW";

    /// <summary>Organisations that may read everything but never write (the regulator by default).</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    /// <summary>How long a donor has to concur or object before a port activates at its due time.</summary>
    public TimeSpan PortWindow { get; init; } = PortRules.DefaultWindow;

    public static NumbersPolicy FromEnvironment()
    {
        var policy = new NumbersPolicy();
        if (Environment.GetEnvironmentVariable(ReadOnlyMspsVariable) is { } readOnly)
        {
            policy = policy with { ReadOnlyMsps = readOnly.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) };
        }

        if (Environment.GetEnvironmentVariable(PortWindowVariable) is { Length: > 0 } window)
        {
            policy = policy with
            {
                PortWindow = TimeSpan.TryParse(window, CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero
                    ? parsed
                    : throw new FormatException($"{PortWindowVariable} '{window}' is not a time span such as 1.00:00:00 or 00:00:05"),
            };
        }

        return policy;
    }
}
