namespace Restcomm.Tap3.Tests;

/// <summary>
/// The TAP samples the tests decode: the committed fixtures (<c>Fixtures/</c>, copied beside the test assembly), so a
/// fresh clone needs nothing else. A name that is not a fixture is looked up in the optional shared reference folder
/// beside the repository (<c>../shared/data/tap3/samples</c>), for trying extra files without committing them.
/// </summary>
internal static class Samples
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static readonly Lazy<string?> Shared = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Restcomm.Fabric.sln")))
        {
            dir = dir.Parent;
        }

        var shared = dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "tap3", "samples"));
        return shared is not null && Directory.Exists(shared) ? shared : null;
    });

    public static string PathOf(string name)
    {
        var fixture = Path.Combine(Fixtures, name);
        if (File.Exists(fixture))
        {
            return fixture;
        }

        var shared = Shared.Value is { } folder ? Path.Combine(folder, name) : null;
        return shared is not null && File.Exists(shared)
            ? shared
            : throw new FileNotFoundException($"TAP sample '{name}' is neither a fixture ({Fixtures}) nor in the shared samples.", name);
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Task<TapDocument> ReadAsync(byte[] data) =>
        TapReader.ReadAsync(data, CancellationToken.None).WaitAsync(Timeout);

    public static Task<TapDocument> ReadAsync(string name) => ReadAsync(Bytes(name));
}
