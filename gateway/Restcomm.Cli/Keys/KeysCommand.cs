using System.Globalization;
using System.Text.Json;
using Restcomm.Gateway.Store;

namespace Restcomm.Cli.Keys;

/// <summary>
/// <c>restcomm keys create|list|revoke</c>: manages the REST API's keys directly in its store (the SQLite
/// file under the API's data directory, or its PostgreSQL database).
/// </summary>
internal static class KeysCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }

        Options options;
        try
        {
            options = Options.Parse(args[1..]);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"restcomm keys {args[0]}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        if (!CliStore.TryResolve(options.Store, out var location, out var error))
        {
            await stderr.WriteLineAsync($"restcomm keys: --store: {error}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return args[0] switch
            {
                "create" => await CreateAsync(options, location, stdout, stderr, cancellationToken).ConfigureAwait(false),
                "list" => await ListAsync(options, location, stdout, cancellationToken).ConfigureAwait(false),
                "revoke" => await RevokeAsync(options, location, stdout, stderr, cancellationToken).ConfigureAwait(false),
                _ => await UnknownAsync(args[0], stderr).ConfigureAwait(false),
            };
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"restcomm keys: cannot use the store {location.Describe()}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> CreateAsync(Options options, StoreLocation location, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.Org is null || options.Scopes is null)
        {
            await stderr.WriteLineAsync("restcomm keys create: --org and --scopes are required, e.g. --org Org1MSP --scopes eir:read,eir:write").ConfigureAwait(false);
            return 2;
        }

        await using var store = await GatewayStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        CreatedApiKey created;
        var rotated = 0;
        try
        {
            var readOnly = options.ReadOnlyOrgs ?? ApiScopes.DefaultReadOnlyOrganisations;
            created = await store.ApiKeys.CreateAsync(options.Org, options.Name, ApiScopes.Parse(options.Scopes), readOnly, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"restcomm keys create: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        if (options.Rotate)
        {
            // The new key exists before the old ones stop working, so callers can switch without a gap.
            var previous = await store.ApiKeys.ListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var old in previous.Where(k => !k.IsRevoked && k.Id != created.Key.Id && k.Organisation == created.Key.Organisation && k.Name == created.Key.Name))
            {
                rotated += await store.ApiKeys.RevokeAsync(old.Id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        if (options.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new
            {
                created.Key.Id,
                Org = created.Key.Organisation,
                created.Key.Name,
                created.Key.Scopes,
                Key = created.Token,
                Revoked = rotated,
            }, Json)).ConfigureAwait(false);
            return 0;
        }

        await stdout.WriteLineAsync($"Created key {created.Key.Id} for {created.Key.Organisation} ({created.Key.Name}) with scopes {string.Join(',', created.Key.Scopes)} in {location.Describe()}.").ConfigureAwait(false);
        if (rotated > 0)
        {
            await stdout.WriteLineAsync($"Revoked {rotated} earlier key(s) named '{created.Key.Name}'.").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync("The key is shown only now; send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>':").ConfigureAwait(false);
        await stdout.WriteLineAsync(created.Token).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ListAsync(Options options, StoreLocation location, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        var keys = await store.ApiKeys.ListAsync(cancellationToken).ConfigureAwait(false);
        if (options.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(keys.Select(k => new
            {
                k.Id,
                Org = k.Organisation,
                k.Name,
                k.Scopes,
                k.CreatedAt,
                k.RevokedAt,
            }), Json)).ConfigureAwait(false);
            return 0;
        }

        if (keys.Count == 0)
        {
            await stdout.WriteLineAsync($"No keys in {location.Describe()}.").ConfigureAwait(false);
            return 0;
        }

        await stdout.WriteLineAsync($"{"ID",-16}  {"ORG",-14}  {"NAME",-20}  {"CREATED (UTC)",-19}  {"STATUS",-7}  SCOPES").ConfigureAwait(false);
        foreach (var key in keys)
        {
            var created = key.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await stdout.WriteLineAsync($"{key.Id,-16}  {key.Organisation,-14}  {key.Name,-20}  {created,-19}  {(key.IsRevoked ? "revoked" : "active"),-7}  {string.Join(',', key.Scopes)}").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(Options options, StoreLocation location, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.Positional.Count != 1)
        {
            await stderr.WriteLineAsync("restcomm keys revoke: give exactly one key ID (see 'restcomm keys list').").ConfigureAwait(false);
            return 2;
        }

        var id = options.Positional[0];
        await using var store = await GatewayStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        if (!await store.ApiKeys.RevokeAsync(id, cancellationToken).ConfigureAwait(false))
        {
            await stderr.WriteLineAsync($"restcomm keys revoke: no active key with ID '{id}' in {location.Describe()}.").ConfigureAwait(false);
            return 1;
        }

        await stdout.WriteLineAsync($"Revoked key {id}.").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> UnknownAsync(string command, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"restcomm keys: unknown sub-command '{command}'.").ConfigureAwait(false);
        WriteUsage(stderr);
        return 2;
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: restcomm keys create --org <MSP ID> --scopes <scope,...|all> [--name <label>] [--rotate] [--store <path or connection>] [--json]");
        writer.WriteLine("       restcomm keys list [--store <path or connection>] [--json]");
        writer.WriteLine("       restcomm keys revoke <key ID> [--store <path or connection>]");
        writer.WriteLine();
        writer.WriteLine($"scopes: {string.Join(", ", ApiScopes.All)} ('all' grants every one; read-only organisations such as RegulatorMSP get :read scopes only)");
        writer.WriteLine("--rotate: revoke the organisation's other active keys with the same name once the new one exists");
        writer.WriteLine($"store:  a SQLite file path, 'Data Source=...', 'Host=...;Database=...' or postgres://...; default $RESTCOMM_STORE, else {CliStore.DefaultStore}");
    }

    private sealed class Options
    {
        public string? Org { get; private set; }

        public string? Scopes { get; private set; }

        public string? Name { get; private set; }

        public string? Store { get; private set; }

        public IReadOnlyList<string>? ReadOnlyOrgs { get; private set; }

        public bool Json { get; private set; }

        public bool Rotate { get; private set; }

        public List<string> Positional { get; } = [];

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                string Value()
                {
                    var eq = arg.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        return arg[(eq + 1)..];
                    }

                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{arg} needs a value.");
                    }

                    return args[++i];
                }

                var name = arg.Split('=', 2)[0];
                switch (name)
                {
                    case "--org": options.Org = Value(); break;
                    case "--scopes": options.Scopes = Value(); break;
                    case "--name": options.Name = Value(); break;
                    case "--store": options.Store = Value(); break;
                    case "--read-only-orgs": options.ReadOnlyOrgs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    case "--json": options.Json = true; break;
                    case "--rotate": options.Rotate = true; break;
                    default:
                        if (arg.StartsWith("--", StringComparison.Ordinal))
                        {
                            throw new ArgumentException($"unknown option '{arg}'.");
                        }

                        options.Positional.Add(arg);
                        break;
                }
            }

            return options;
        }
    }
}
