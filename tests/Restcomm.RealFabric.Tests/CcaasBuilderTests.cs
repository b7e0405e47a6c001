namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The external builder the native peers use for "ccaas" packages
/// (network/fabric/builders/ccaas/bin): run exactly as a peer runs it, with sh.
/// </summary>
public sealed class CcaasBuilderTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _work = Directory.CreateTempSubdirectory("ccaas-builder-").FullName;

    private static string Builder(string step) => Path.Combine(Repository.Root, "network", "fabric", "builders", "ccaas", "bin", step);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_work, name)).FullName;

    private static Task<ProcessResult> Sh(string step, params string[] args) =>
        Repository.RunAsync("sh", [Builder(step), .. args], Timeout);

    [Fact]
    public async Task Detect_claims_a_package_whose_metadata_type_is_ccaas()
    {
        var src = Dir("src");
        var meta = Dir("meta");
        await File.WriteAllTextAsync(Path.Combine(meta, "metadata.json"), "{ \"type\" : \"ccaas\", \"label\": \"example_1\" }");

        var result = await Sh("detect", src, meta);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("{\"type\":\"golang\",\"label\":\"x\"}")]
    [InlineData("{\"type\":\"node\",\"label\":\"ccaas\"}")]
    public async Task Detect_leaves_other_package_types_to_other_builders(string metadata)
    {
        var src = Dir("src");
        var meta = Dir("meta");
        await File.WriteAllTextAsync(Path.Combine(meta, "metadata.json"), metadata);

        var result = await Sh("detect", src, meta);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task Build_fails_with_a_clear_message_when_the_package_has_no_connection_json()
    {
        var result = await Sh("build", Dir("src"), Dir("meta"), Path.Combine(_work, "out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no connection.json", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_fails_when_connection_json_has_no_address()
    {
        var src = Dir("src");
        await File.WriteAllTextAsync(Path.Combine(src, "connection.json"), "{\"dial_timeout\":\"10s\"}");

        var result = await Sh("build", src, Dir("meta"), Path.Combine(_work, "out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no \"address\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_then_release_put_connection_json_where_the_peer_reads_it()
    {
        var src = Dir("src");
        const string connection = "{\n  \"address\": \"127.0.0.1:7301\",\n  \"dial_timeout\": \"10s\",\n  \"tls_required\": false\n}\n";
        await File.WriteAllTextAsync(Path.Combine(src, "connection.json"), connection);
        Directory.CreateDirectory(Path.Combine(src, "metadata", "statedb", "couchdb", "indexes"));
        await File.WriteAllTextAsync(Path.Combine(src, "metadata", "statedb", "couchdb", "indexes", "byOwner.json"), "{}");
        var output = Path.Combine(_work, "build-output");
        var release = Path.Combine(_work, "release");

        var build = await Sh("build", src, Dir("meta"), output);
        var rel = await Sh("release", output, release);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(rel.ExitCode == 0, rel.ToString());
        Assert.Equal(connection, await File.ReadAllTextAsync(Path.Combine(release, "chaincode", "server", "connection.json")));
        Assert.True(File.Exists(Path.Combine(release, "statedb", "couchdb", "indexes", "byOwner.json")));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
