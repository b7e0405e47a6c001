using Restcomm.Gateway.Store;

namespace Restcomm.Cli;

/// <summary>Which REST API store a command works on: <c>--store</c>, else <c>RESTCOMM_STORE</c>, else the API's default.</summary>
internal static class CliStore
{
    /// <summary>Store used when neither <c>--store</c> nor <c>RESTCOMM_STORE</c> is given (the API's default).</summary>
    public const string DefaultStore = ".run/api/gateway.db";

    public static bool TryResolve(string? option, out StoreLocation location, out string? error)
    {
        try
        {
            var setting = option ?? Environment.GetEnvironmentVariable("RESTCOMM_STORE");
            location = StoreLocation.Parse(string.IsNullOrWhiteSpace(setting) ? DefaultStore : setting, Directory.GetCurrentDirectory());
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            location = null!;
            error = ex.Message;
            return false;
        }
    }
}
