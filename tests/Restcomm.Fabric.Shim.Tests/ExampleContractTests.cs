using System.Text;
using System.Text.Json;
using Restcomm.Chaincode.Example;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>The example contract's transactions, exactly as other workstreams and clients rely on them.</summary>
public sealed class ExampleContractTests
{
    private readonly ContractChaincode _chaincode = new(new AssetContract());
    private readonly InMemoryChaincodeStub _stub = new("roaming-emea");

    private static string Text(ChaincodeResponse response) => Encoding.UTF8.GetString(response.Payload.Span);

    [Fact]
    public async Task Create_asset_stores_the_asset_returns_it_and_emits_asset_created()
    {
        var response = await _stub.InvokeAsync(_chaincode, "CreateAsset", "a1", "alice", "100");

        Assert.Equal(200, response.Status);
        const string json = """{"id":"a1","owner":"alice","value":"100"}""";
        Assert.Equal(json, Text(response));
        Assert.Equal(json, Encoding.UTF8.GetString(_stub.State["a1"]));
        Assert.Equal(("AssetCreated", json), (_stub.EventName, Encoding.UTF8.GetString(_stub.EventPayload.Span)));
    }

    [Fact]
    public async Task Creating_an_existing_asset_fails_with_already_exists()
    {
        await _stub.InvokeAsync(_chaincode, "CreateAsset", "a1", "alice", "100");

        var response = await _stub.InvokeAsync(_chaincode, "CreateAsset", "a1", "bob", "1");

        Assert.Equal(500, response.Status);
        Assert.Contains("already exists", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_asset_returns_id_owner_value_or_fails_with_does_not_exist()
    {
        await _stub.InvokeAsync(_chaincode, "CreateAsset", "a1", "alice", "100");

        Assert.Equal("""{"id":"a1","owner":"alice","value":"100"}""", Text(await _stub.InvokeAsync(_chaincode, "ReadAsset", "a1")));
        var missing = await _stub.InvokeAsync(_chaincode, "ReadAsset", "zz");
        Assert.Equal(500, missing.Status);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_and_delete_change_the_asset_and_fail_for_a_missing_one()
    {
        await _stub.InvokeAsync(_chaincode, "CreateAsset", "a1", "alice", "100");

        Assert.Equal(200, (await _stub.InvokeAsync(_chaincode, "UpdateAsset", "a1", "bob", "7")).Status);
        Assert.Equal("""{"id":"a1","owner":"bob","value":"7"}""", Text(await _stub.InvokeAsync(_chaincode, "ReadAsset", "a1")));
        Assert.Equal(200, (await _stub.InvokeAsync(_chaincode, "DeleteAsset", "a1")).Status);
        Assert.Contains("does not exist", (await _stub.InvokeAsync(_chaincode, "ReadAsset", "a1")).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", (await _stub.InvokeAsync(_chaincode, "UpdateAsset", "a1", "x", "y")).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", (await _stub.InvokeAsync(_chaincode, "DeleteAsset", "a1")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_assets_by_range_returns_a_json_array_of_the_range()
    {
        foreach (var id in new[] { "a1", "a2", "a3", "b1" })
        {
            await _stub.InvokeAsync(_chaincode, "CreateAsset", id, "o", "1");
        }

        var response = await _stub.InvokeAsync(_chaincode, "GetAssetsByRange", "a2", "b1");

        var assets = JsonSerializer.Deserialize<List<Asset>>(response.Payload.Span, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(["a2", "a3"], assets.Select(a => a.Id));
        Assert.StartsWith("""[{"id":"a2","owner":"o","value":"1"}""", Text(response), StringComparison.Ordinal);
        Assert.Equal("[]", Text(await _stub.InvokeAsync(_chaincode, "GetAssetsByRange", "x", "y")));
    }

    [Fact]
    public async Task Private_assets_take_their_value_from_the_transient_map()
    {
        _stub.StartTransaction("PutPrivateAsset", "pair-Org1MSP-Org2MSP", "p1").SetTransient("asset", """{"owner":"carol","value":"77"}""");
        var put = await _chaincode.InvokeAsync(_stub, CancellationToken.None);

        Assert.Equal(200, put.Status);
        Assert.Empty(_stub.State);
        var read = await _stub.InvokeAsync(_chaincode, "ReadPrivateAsset", "pair-Org1MSP-Org2MSP", "p1");
        Assert.Equal("""{"id":"p1","owner":"carol","value":"77"}""", Text(read));
    }

    [Fact]
    public async Task Put_private_asset_without_the_transient_entry_is_a_400()
    {
        var response = await _stub.InvokeAsync(_chaincode, "PutPrivateAsset", "pair-Org1MSP-Org2MSP", "p1");

        Assert.Equal(400, response.Status);
        Assert.Contains("transient", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_member_cannot_read_a_private_asset_and_is_refused_as_forbidden()
    {
        _stub.StartTransaction("PutPrivateAsset", "pair-Org1MSP-Org2MSP", "p1").SetTransient("asset", """{"owner":"carol","value":"77"}""");
        await _chaincode.InvokeAsync(_stub, CancellationToken.None);
        _stub.SetCollectionReadable("pair-Org1MSP-Org2MSP", false);

        var read = await _stub.InvokeAsync(_chaincode, "ReadPrivateAsset", "pair-Org1MSP-Org2MSP", "p1");

        Assert.Equal(403, read.Status);
        Assert.Contains("does not have read access", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_caller_returns_msp_id_and_identity_string()
    {
        _stub.SetCreator(TestIdentity.Create("Org2MSP", "User1@org2.example.com", organizationalUnits: ["client"]));

        var response = await _stub.InvokeAsync(_chaincode, "GetCaller");

        Assert.Equal(
            """{"mspId":"Org2MSP","id":"x509::CN=User1@org2.example.com,OU=client,O=Org2MSP::CN=ca.org2msp,O=Org2MSP"}""",
            Text(response));
    }

    [Fact]
    public async Task The_metadata_lists_exactly_the_reference_transactions_with_their_kinds()
    {
        var response = await _stub.InvokeAsync(_chaincode, "org.hyperledger.fabric:GetMetadata");

        using var document = JsonDocument.Parse(response.Payload);
        var transactions = document.RootElement.GetProperty("contracts").GetProperty("AssetContract").GetProperty("transactions")
            .EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("tag")[0].GetString());
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["CreateAsset"] = "SUBMIT",
                ["DeleteAsset"] = "SUBMIT",
                ["GetAssetsByRange"] = "EVALUATE",
                ["GetCaller"] = "EVALUATE",
                ["PutPrivateAsset"] = "SUBMIT",
                ["ReadAsset"] = "EVALUATE",
                ["ReadPrivateAsset"] = "EVALUATE",
                ["UpdateAsset"] = "SUBMIT",
            },
            transactions);
    }
}
