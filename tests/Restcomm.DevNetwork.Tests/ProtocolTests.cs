using System.Text.Json;
using Grpc.Core;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>What a peer checks and how the ledger looks, observed through the client and the Deliver service.</summary>
public sealed class ProtocolTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    private static string Id() => "asset-" + Guid.NewGuid().ToString("N")[..8];

    private static EcdsaSigner Signer(TestNetwork net, string mspId) =>
        EcdsaSigner.FromPemFile(FabricNetworkDescription.Load(net.NetworkJson).GetOrg(mspId).ClientKeyFile!);

    private static byte[] HighS(byte[] der)
    {
        Assert.True(EcdsaSignatures.TryReadDer(der, out var r, out var s));
        return EcdsaSignatures.WriteDer(r, EcdsaSignatures.Order(256) - s);
    }

    [Fact]
    public async Task Proposal_with_a_tampered_signature_is_refused()
    {
        await using var net = await TestNetwork.StartAsync();
        var gateway = net.Connect("Org1MSP");
        var proposal = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode).NewProposal("GetCaller");
        var signature = Signer(net, "Org1MSP").Sign(proposal.GetDigest());
        signature[^1] ^= 0x01;

        var error = await Assert.ThrowsAsync<EvaluateException>(() => gateway.NewSignedProposal(proposal.ToBytes(), signature).EvaluateAsync().WaitAsync(Timeout));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("access denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proposal_with_a_high_S_signature_is_refused_and_the_same_signature_in_low_S_form_is_accepted()
    {
        await using var net = await TestNetwork.StartAsync();
        var gateway = net.Connect("Org1MSP");
        var contract = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);
        var proposal = contract.NewProposal("GetCaller");
        var lowS = Signer(net, "Org1MSP").Sign(proposal.GetDigest());

        var error = await Assert.ThrowsAsync<EvaluateException>(() => gateway.NewSignedProposal(proposal.ToBytes(), HighS(lowS)).EvaluateAsync().WaitAsync(Timeout));
        var result = await gateway.NewSignedProposal(proposal.ToBytes(), lowS).EvaluateAsync().WaitAsync(Timeout);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Org1MSP", JsonDocument.Parse(result).RootElement.GetProperty("mspId").GetString());
    }

    [Fact]
    public async Task Transaction_signed_with_a_high_S_signature_is_refused_by_the_orderer()
    {
        await using var net = await TestNetwork.StartAsync();
        var gateway = net.Connect("Org1MSP");
        var contract = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);
        var transaction = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1")).EndorseAsync().WaitAsync(Timeout);
        var signature = HighS(Signer(net, "Org1MSP").Sign(transaction.GetDigest()));

        var error = await Assert.ThrowsAsync<SubmitException>(() => gateway.NewSignedTransaction(transaction.ToBytes(), signature).SubmitAsync().WaitAsync(Timeout));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Contains("FORBIDDEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_read_invalidated_by_a_new_key_is_a_phantom_read_conflict()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        await contract.SubmitTransactionAsync("CreateAsset", "range-b", "a", "1").WaitAsync(Timeout);

        // Simulate a transaction that scans [range-a, range-z), then commit a new key inside that range before it.
        var scan = await contract.NewProposal("GetAssetsByRange", new ProposalOptions().AddArguments("range-a", "range-z")).EndorseAsync().WaitAsync(Timeout);
        await contract.SubmitTransactionAsync("CreateAsset", "range-c", "a", "2").WaitAsync(Timeout);
        var submitted = await scan.SubmitAsync().WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);

        Assert.Equal(TxValidationCode.PhantomReadConflict, status.Code);
    }

    [Fact]
    public async Task Resubmitted_transaction_is_stored_as_a_duplicate_transaction_id()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        var transaction = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1")).EndorseAsync().WaitAsync(Timeout);

        var first = await (await transaction.SubmitAsync().WaitAsync(Timeout)).GetStatusAsync().WaitAsync(Timeout);
        await transaction.SubmitAsync().WaitAsync(Timeout);
        var ledger = net.Network.Ledgers[TestNetwork.Channel];
        var codes = new List<TxValidationCode>();
        for (var deadline = DateTime.UtcNow + Timeout; codes.Count < 2 && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            codes = [.. Enumerable.Range(0, (int)ledger.Height)
                .SelectMany(n => LedgerBlock.Read(ledger.GetBlock((ulong)n)!).Transactions)
                .Where(t => t.TransactionId == transaction.TransactionId)
                .Select(t => t.ValidationCode)];
        }

        Assert.Equal(TxValidationCode.Valid, first.Code);
        Assert.Equal([TxValidationCode.Valid, TxValidationCode.DuplicateTxid], codes);
    }

    [Fact]
    public async Task Delivered_blocks_are_hash_chained_and_carry_the_transaction_filter()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        for (var i = 0; i < 3; i++)
        {
            await contract.SubmitTransactionAsync("CreateAsset", Id(), "a", "1").WaitAsync(Timeout);
        }
        var height = net.Network.Ledgers[TestNetwork.Channel].Height;
        var network = net.Connect("Org2MSP").GetNetwork(TestNetwork.Channel);
        var blocks = new List<Block>();
        using var cts = new CancellationTokenSource(Timeout);

        await foreach (var block in network.GetBlockEventsAsync(new EventsOptions { StartBlock = 0 }, cts.Token))
        {
            blocks.Add(block);
            if ((ulong)blocks.Count == height)
            {
                break;
            }
        }

        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            Assert.Equal((ulong)i, block.Header.Number);
            Assert.Equal(BlockHashing.DataHash(block.Data), block.Header.DataHash.ToByteArray());
            Assert.Equal(i == 0 ? [] : BlockHashing.HeaderHash(blocks[i - 1].Header), block.Header.PreviousHash.ToByteArray());
            Assert.Equal(block.Data.Data.Count, block.Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter].Length);
        }
    }

    [Fact]
    public async Task Blocks_with_private_data_carry_it_only_to_collection_members()
    {
        await using var net = await TestNetwork.StartAsync();
        const string collection = "pair-Org1MSP-Org2MSP";
        var put = new ProposalOptions()
            .AddArguments(collection, Id())
            .PutTransient("asset", """{"owner":"alice","value":"secret"}""")
            .WithEndorsingOrganizations("Org1MSP", "Org2MSP");
        var submitted = await net.Contract("Org1MSP").SubmitAsync("PutPrivateAsset", put).WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);

        async Task<BlockAndPrivateData> BlockFor(string mspId)
        {
            using var cts = new CancellationTokenSource(Timeout);
            await foreach (var b in net.Connect(mspId).GetNetwork(TestNetwork.Channel).GetBlockAndPrivateDataEventsAsync(new EventsOptions { StartBlock = status.BlockNumber }, cts.Token))
            {
                return b;
            }
            throw new InvalidOperationException("no block");
        }

        var member = await BlockFor("Org2MSP");
        var outsider = await BlockFor("Org3MSP");

        Assert.Single(member.PrivateDataMap);
        Assert.Equal(collection, member.PrivateDataMap.Values.Single().NsPvtRwset.Single().CollectionPvtRwset.Single().CollectionName);
        Assert.Empty(outsider.PrivateDataMap);
        Assert.Equal(member.Block.Header.Number, outsider.Block.Header.Number);
    }

    [Fact]
    public async Task Filtered_blocks_report_each_transaction_validation_code()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP", TestNetwork.StrictChannel);
        var refused = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1").WithEndorsingOrganizations("Org1MSP")).WaitAsync(Timeout);
        var status = await refused.GetStatusAsync().WaitAsync(Timeout);
        var network = net.Connect("Org3MSP").GetNetwork(TestNetwork.StrictChannel);
        using var cts = new CancellationTokenSource(Timeout);

        FilteredBlock? filtered = null;
        await foreach (var b in network.GetFilteredBlockEventsAsync(new EventsOptions { StartBlock = status.BlockNumber }, cts.Token))
        {
            filtered = b;
            break;
        }

        Assert.NotNull(filtered);
        var tx = Assert.Single(filtered.FilteredTransactions, t => t.Txid == refused.TransactionId);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, tx.TxValidationCode);
        Assert.Equal(HeaderType.EndorserTransaction, tx.Type);
    }
}
