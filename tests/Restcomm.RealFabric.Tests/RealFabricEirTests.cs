using System.Text.Json;
using Restcomm.Fabric.Client;

namespace Restcomm.RealFabric.Tests;

/// <summary>The eir chaincode as a service on the real <c>eir</c> channel, through the C# client.</summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricEirTests(FabricNetworkFixture network)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Gateway Connect(string mspId) =>
        FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId).Connect();

    /// <summary>A random 15-digit IMEI with a valid Luhn check digit.</summary>
    private static string NewImei()
    {
        var digits = new int[15];
        digits[0] = 3;
        for (var i = 1; i < 14; i++)
        {
            digits[i] = Random.Shared.Next(10);
        }

        var sum = 0;
        for (var i = 0; i < 14; i++)
        {
            var d = i % 2 == 1 ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }

        digits[14] = (10 - (sum % 10)) % 10;
        return string.Concat(digits);
    }

    [SkippableFact]
    public async Task Stolen_device_reported_by_an_operator_is_black_listed_for_the_regulator_who_cannot_report()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        using var regulator = Connect("RegulatorMSP");
        var imei = NewImei();
        var report = JsonSerializer.Serialize(new { target = imei, list = "black", reason = "stolen" });

        using var reported = JsonDocument.Parse(await org1.GetNetwork("eir").GetContract("eir").SubmitTransactionAsync("Report", report).WaitAsync(Timeout));
        var eir = regulator.GetNetwork("eir").GetContract("eir");
        using var check = JsonDocument.Parse(await eir.EvaluateTransactionAsync("CheckImei", imei).WaitAsync(Timeout));
        var refused = await Assert.ThrowsAsync<EndorseException>(() => eir.SubmitTransactionAsync("Report", report).WaitAsync(Timeout));

        Assert.Equal("reported", reported.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("blackListed", check.RootElement.GetProperty("status").GetString());
        Assert.Contains("read-only", refused.Message + string.Join(' ', refused.Details.Select(d => d.Message)), StringComparison.Ordinal);
    }
}
