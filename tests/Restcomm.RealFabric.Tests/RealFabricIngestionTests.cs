using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Fabric.Client;
using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// <c>restcomm tap ingest</c> as an operator runs it against real Fabric peers: a generated TAP 3.12 file carried onto
/// <c>roaming-emea</c> as usage batches endorsed by the pair's peers, with the file's totals; the same file again is refused by the same outbox and changes nothing from another one.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricIngestionTests(FabricNetworkFixture network) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string _data = Directory.CreateTempSubdirectory("restcomm-ingest-fabric-").FullName;

    [SkippableFact]
    public async Task A_generated_file_reaches_the_real_peers_once_with_the_files_totals_and_a_second_submission_is_refused()
    {
        network.Require();
        var cli = await RestApiProcess.CliAsync();
        var seed = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var file = Path.Combine(_data, "usage.tap");
        var generated = await Repository.RunAsync("dotnet", [cli, "tap", "generate", "--records", "6000", "--seed", Text(seed), "--out", file], Timeout);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var control = new TapTrafficGenerator(seed).Header.BatchControl!;
        var agreementId = $"INGEST-{seed:X8}";
        using var org1 = Connect(Agreements.Visited);
        using var org2 = Connect(Agreements.Home);
        var document = JsonSerializer.SerializeToUtf8Bytes(Agreements.Document(control.Sender!, control.Recipient!, agreementId), RoamingJson.Options);
        string[] pair = [Agreements.Visited, Agreements.Home];
        await Roaming(org1).SubmitTransactionAsync("ProposeAgreement", new ProposalOptions().PutTransient("agreement", document).WithEndorsingOrganizations(pair)).WaitAsync(Timeout);
        await Roaming(org2).SubmitTransactionAsync("AcceptAgreement", new ProposalOptions()
            .AddArguments(agreementId, Convert.ToHexStringLower(SHA256.HashData(document))).WithEndorsingOrganizations(pair)).WaitAsync(Timeout);
        string[] ingest =
        [
            cli, "tap", "ingest", file, "--agreement", agreementId, "--network", Repository.NetworkJson, "--org", Agreements.Visited,
            "--store", Path.Combine(_data, "outbox.db"), "--batch-records", "500", "--in-flight", "4",
        ];

        var first = await Repository.RunAsync("dotnet", ingest, Timeout);

        Assert.True(first.ExitCode == 0, first.ToString());
        using var summary = JsonDocument.Parse(first.Output[first.Output.IndexOf('{', StringComparison.Ordinal)..]);
        var root = summary.RootElement;
        Assert.Equal("complete", root.GetProperty("outcome").GetString());
        Assert.True(root.GetProperty("totalsMatch").GetBoolean(), first.Output);
        var batches = root.GetProperty("batches").GetInt32();
        var committed = root.GetProperty("recordsCommitted").GetInt64();
        Assert.Equal(6000, root.GetProperty("recordsInFile").GetInt64());
        Assert.Equal(6000 - root.GetProperty("recordsRejected").GetInt64() - root.GetProperty("recordsUnsettled").GetInt64(), committed);
        Assert.True(batches >= (committed + 499) / 500, $"{committed} records in batches of at most 500 cannot fit in {batches} batches");
        using var report = JsonDocument.Parse(await Roaming(org1).EvaluateTransactionAsync("GetFileSequenceReport", control.Sender!, control.Recipient!).WaitAsync(Timeout));
        var entry = report.RootElement.GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("fileId").GetString() == root.GetProperty("fileId").GetString());
        Assert.Equal(batches, entry.GetProperty("batches").GetInt32());
        Assert.Equal(0, entry.GetProperty("missingBatches").GetArrayLength());

        var again = await Repository.RunAsync("dotnet", ingest, Timeout);
        var elsewhere = await Repository.RunAsync("dotnet", [.. ingest.Select(a => a.EndsWith("outbox.db", StringComparison.Ordinal) ? Path.Combine(_data, "other-outbox.db") : a)], Timeout);

        // The same outbox refuses the file by its ID; another machine's outbox finds every batch already on the ledger.
        Assert.True(again.ExitCode == 1, "the same file again must be refused: " + again);
        Assert.True(elsewhere.ExitCode == 0, elsewhere.ToString());
        using var noOp = JsonDocument.Parse(elsewhere.Output[elsewhere.Output.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal(batches, noOp.RootElement.GetProperty("batchesAlreadyOnLedger").GetInt32());
        using var after = JsonDocument.Parse(await Roaming(org1).EvaluateTransactionAsync("GetFileSequenceReport", control.Sender!, control.Recipient!).WaitAsync(Timeout));
        Assert.Equal(batches, after.RootElement.GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("fileId").GetString() == root.GetProperty("fileId").GetString()).GetProperty("batches").GetInt32());
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static Contract Roaming(Gateway gateway) => gateway.GetNetwork("roaming-emea").GetContract("roaming");

    private static Gateway Connect(string mspId) => FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId).Connect();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
