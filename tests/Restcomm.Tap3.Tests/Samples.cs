namespace Restcomm.Tap3.Tests;

/// <summary>Finds the shared TAP samples: repository root (the folder with Restcomm.Fabric.sln), then ../shared.</summary>
internal static class Samples
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Restcomm.Fabric.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Restcomm.Fabric.sln not found above " + AppContext.BaseDirectory);
        }

        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "tap3", "samples"));
    });

    public static string PathOf(string name) => Path.Combine(Folder.Value, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Task<TapDocument> ReadAsync(byte[] data) =>
        TapReader.ReadAsync(data, CancellationToken.None).WaitAsync(Timeout);

    public static Task<TapDocument> ReadAsync(string name) => ReadAsync(Bytes(name));
}
