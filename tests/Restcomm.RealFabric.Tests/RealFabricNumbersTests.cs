using System.Text.Json;
using Restcomm.Fabric.Client;

namespace Restcomm.RealFabric.Tests;

/// <summary>The numbers chaincode as a service on the real <c>numbers</c> channel, through the C# client.</summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricNumbersTests(FabricNetworkFixture network)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static Contract Numbers(Gateway gateway) => gateway.GetNetwork("numbers").GetContract("numbers");

    [SkippableFact]
    public async Task A_number_published_by_one_provider_moves_to_another_after_the_donor_concurs()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        using var org2 = Connect("Org2MSP");
        var number = "+4477009" + Random.Shared.Next(0, 100_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        var publication = JsonSerializer.Serialize(new
        {
            e164 = number,
            profile = new { lineType = "mobile", capabilities = new[] { new { name = "voice", consentHash = Hash, consentAt = "2026-01-01T00:00:00Z" } } },
        });

        await Numbers(org1).SubmitTransactionAsync("Publish", publication).WaitAsync(Timeout);
        var request = JsonSerializer.Serialize(new { e164 = number, consentHash = Hash });
        using var port = JsonDocument.Parse(await Numbers(org2).SubmitTransactionAsync("RequestPort", request).WaitAsync(Timeout));
        var portId = port.RootElement.GetProperty("portId").GetString()!;
        await Numbers(org1).SubmitTransactionAsync("ConcurPort", portId).WaitAsync(Timeout);
        await Numbers(org2).SubmitTransactionAsync("ActivatePort", portId).WaitAsync(Timeout);
        using var view = JsonDocument.Parse(await Numbers(org1).EvaluateTransactionAsync("GetNumber", number).WaitAsync(Timeout));

        Assert.Equal("Org2MSP", view.RootElement.GetProperty("provider").GetString());
        Assert.Equal(0, view.RootElement.GetProperty("record").GetProperty("profile").GetProperty("capabilities").GetArrayLength());
    }

    private static Gateway Connect(string mspId) => FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId).Connect();
}
