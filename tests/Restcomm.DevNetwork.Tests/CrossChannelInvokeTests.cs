using System.Text;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// A chaincode calling a chaincode on another channel ("name/channel"), as a Fabric 2.5 peer handles INVOKE_CHAINCODE:
/// the called chaincode reads the other channel's state, its writes are thrown away, and the caller's identity must be
/// one of the other channel's writers.
/// </summary>
public sealed class CrossChannelInvokeTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    /// <summary>A channel of Org1 and Org2 only, with the regulator reading, serving the example chaincode.</summary>
    private const string PairChannel = "pair";

    private static string Key() => "x-" + Guid.NewGuid().ToString("N")[..8];

    private static Task<TestNetwork> StartAsync() => TestNetwork.StartAsync(config => config.Channels.Add(new ChannelConfig
    {
        Name = PairChannel,
        Members = ["Org1MSP", "Org2MSP"],
        Readers = ["RegulatorMSP"],
        Chaincodes = [new ChaincodeConfig { Name = TestNetwork.Chaincode, Address = config.Channels[0].Chaincodes[0].Address, EndorsementPolicy = "MAJORITY" }],
    }));

    private static async Task<string> EvaluateAsync(Contract contract, string function, params string[] args) =>
        Encoding.UTF8.GetString(await contract.EvaluateTransactionAsync(function, args).WaitAsync(Timeout));

    private static async Task<TxValidationCode> SubmitAsync(Contract contract, string function, params string[] args)
    {
        var submitted = await contract.SubmitAsync(function, new ProposalOptions().AddArguments(args)).WaitAsync(Timeout);
        return (await submitted.GetStatusAsync().WaitAsync(Timeout)).Code;
    }

    [Fact]
    public async Task Chaincode_reading_through_a_chaincode_on_another_channel_gets_that_channels_value()
    {
        await using var net = await StartAsync();
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.KeyPolicy("Org1MSP", TestNetwork.StrictChannel), "Put", key, "on-strict"));
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.KeyPolicy("Org1MSP"), "Put", key, "on-roaming"));

        var value = await EvaluateAsync(net.KeyPolicy("Org1MSP"), "CallOther", TestNetwork.Chaincode, TestNetwork.StrictChannel, "KeyPolicy:Get", key);

        Assert.Equal("on-strict", value);
    }

    [Fact]
    public async Task Write_made_by_a_chaincode_called_on_another_channel_is_committed_nowhere()
    {
        await using var net = await StartAsync();
        var key = Key();
        var caller = net.KeyPolicy("Org1MSP");

        // The calling transaction itself is valid: the called chaincode's write was simply not kept.
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(caller, "CallOther", TestNetwork.Chaincode, TestNetwork.StrictChannel, "KeyPolicy:Put", key + ",written"));

        Assert.Equal("", await EvaluateAsync(net.KeyPolicy("Org1MSP", TestNetwork.StrictChannel), "Get", key));
        Assert.Equal("", await EvaluateAsync(caller, "Get", key));
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(caller, "Put", key, "later"));
        Assert.Equal("later", await EvaluateAsync(caller, "Get", key));
    }

    [Fact]
    public async Task Call_onto_a_channel_the_callers_organisation_does_not_write_to_is_refused()
    {
        await using var net = await StartAsync();
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.KeyPolicy("Org1MSP", PairChannel), "Put", key, "pair-value"));
        string[] call = [TestNetwork.Chaincode, PairChannel, "KeyPolicy:Get", key];

        // A member of the pair channel may call onto it.
        Assert.Equal("pair-value", await EvaluateAsync(net.KeyPolicy("Org1MSP"), "CallOther", call));

        // The regulator's peer holds the pair channel, but the regulator only reads there: not one of its Writers.
        var reader = await Assert.ThrowsAsync<EvaluateException>(() => EvaluateAsync(net.KeyPolicy("RegulatorMSP"), "CallOther", call));
        Assert.Contains("/Channel/Application/Writers", reader.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pair-value", reader.Message, StringComparison.Ordinal);

        // Org3 is not on the pair channel at all: its peer has no such channel.
        var outsider = await Assert.ThrowsAsync<EvaluateException>(() => EvaluateAsync(net.KeyPolicy("Org3MSP"), "CallOther", call));
        Assert.Contains($"channel [{PairChannel}]", outsider.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pair-value", outsider.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_to_an_unknown_channel_or_chaincode_fails_with_a_message_naming_it()
    {
        await using var net = await StartAsync();
        var caller = net.KeyPolicy("Org1MSP");

        var channel = await Assert.ThrowsAsync<EvaluateException>(() => EvaluateAsync(caller, "CallOther", TestNetwork.Chaincode, "nowhere", "KeyPolicy:Get", "k"));
        Assert.Contains("channel [nowhere]", channel.Message, StringComparison.Ordinal);

        var chaincode = await Assert.ThrowsAsync<EvaluateException>(() => EvaluateAsync(caller, "CallOther", "nobody", TestNetwork.StrictChannel, "KeyPolicy:Get", "k"));
        Assert.Contains("nobody is not defined on channel strict", chaincode.Message, StringComparison.Ordinal);
    }
}
