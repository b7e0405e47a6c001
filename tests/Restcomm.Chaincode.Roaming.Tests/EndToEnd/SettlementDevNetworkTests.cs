using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Roaming;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Chaincode.Roaming.Tests.EndToEnd;

/// <summary>
/// The settlement contract of the roaming chaincode on the dev network (real endorsement, ordering and MVCC/phantom
/// validation): payments to one payee from many payers in the same blocks all commit, two spends of one balance do not.
/// </summary>
public sealed class SettlementDevNetworkTests : IAsyncLifetime
{
    private const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly InProcessDevNetwork _dev = new("roaming-e2e");
    private readonly List<Gateway> _gateways = [];

    public async Task InitializeAsync()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
        var roaming = Assert.Single(channel.Chaincodes);
        Assert.True(roaming.TlsRequired && roaming.ClientAuthRequired);
        await _dev.StartChaincodeAsync(config, "roaming", RoamingChaincode.Create(new RoamingPolicy(), new SettlementPolicy { Members = [Samples.A, Samples.B, Samples.C] }), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);
    }

    private Restcomm.Fabric.Client.Contract ContractOf(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(_dev.NetworkJson).GetOrg(mspId).Connect();
        _gateways.Add(gateway);
        return gateway.GetNetwork(Channel).GetContract("roaming");
    }

    private static T Read<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, RoamingJson.Options)!;

    private static ProposalOptions Public(params string[] args) => new ProposalOptions().AddArguments(args).WithEndorsingOrganizations(Samples.A, Samples.B);

    [Fact]
    public async Task Concurrent_payments_to_one_payee_all_commit_and_two_spends_of_one_balance_do_not()
    {
        var a = ContractOf(Samples.A);
        var b = ContractOf(Samples.B);
        using var cts = new CancellationTokenSource(Timeout);
        var proposal = Read<Restcomm.Roaming.Settlement.SupplyProposal>(await a.SubmitTransactionAsync("settlement:ProposeSupplyChange", Public("mint", Samples.A, "100000", "allocation"), cts.Token));
        var executed = Read<Restcomm.Roaming.Settlement.SupplyProposal>(await b.SubmitTransactionAsync("settlement:ApproveSupplyChange", Public(proposal.ProposalId), cts.Token));
        Assert.Equal(Restcomm.Roaming.Settlement.ProposalStatus.Executed, executed.Status);
        var payers = Enumerable.Range(0, 24).Select(i => $"{Samples.A}/payer-{i:D2}").ToList();
        foreach (var payer in payers)
        {
            await a.SubmitTransactionAsync("settlement:Transfer", Public(payer, "100"), cts.Token);
        }

        // Every payer pays the same payee at once: the payments land in the same blocks and none conflicts.
        await Task.WhenAll(payers.Select(p => a.SubmitTransactionAsync("settlement:TransferFrom", Public(p, Samples.C, "10"), cts.Token)));

        var payee = Read<Restcomm.Roaming.Settlement.AccountBalance>(await b.EvaluateTransactionAsync("settlement:BalanceOf", new ProposalOptions().AddArguments(Samples.C), cts.Token));
        Assert.Equal((240L, 24), (payee.Balance, payee.Entries));

        // Two spends of the whole remaining balance of one payer at once: one commits, the other is refused (a phantom
        // read of the payer's entries at validation, or insufficient funds if it was endorsed after the first committed).
        var spends = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                await a.SubmitTransactionAsync("settlement:TransferFrom", Public(payers[0], Samples.B, "90"), cts.Token);
                return "committed";
            }
            catch (CommitException e)
            {
                return e.Code.ToString();
            }
            catch (GatewayException e) when (e.ChaincodeError?.Code == "insufficient-funds")
            {
                return "insufficient-funds";
            }
        }));
        Assert.Single(spends, s => s == "committed");
        Assert.Single(spends, s => s is nameof(TxValidationCode.PhantomReadConflict) or nameof(TxValidationCode.MvccReadConflict) or "insufficient-funds");
        var left = Read<Restcomm.Roaming.Settlement.AccountBalance>(await b.EvaluateTransactionAsync("settlement:BalanceOf", new ProposalOptions().AddArguments(payers[0]), cts.Token));
        Assert.Equal(0, left.Balance);
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }

        await _dev.DisposeAsync();
    }
}
