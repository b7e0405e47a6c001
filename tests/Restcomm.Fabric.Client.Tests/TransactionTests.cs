using System.Security.Cryptography;
using System.Text;
using Restcomm.Fabric.Client.Tests.Support;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;
using PeerProposal = Restcomm.Fabric.Protos.Peer.Proposal;

namespace Restcomm.Fabric.Client.Tests;

public sealed class TransactionTests : PeerTestBase
{
    [Fact]
    public async Task Evaluate_returns_the_chaincode_result_from_a_proposal_the_peer_accepts()
    {
        var result = await Contract.EvaluateTransactionAsync("ReadAsset", "asset1").WaitAsync(Bound);

        Assert.Equal("ReadAsset:asset1", Encoding.UTF8.GetString(result));
        var call = Assert.Single(State.Calls);
        Assert.Equal("Evaluate", call.Method);
        Assert.Equal("Org1MSP", call.Invocation.CreatorMspId);
        Assert.Equal("roaming-emea", call.Invocation.ChannelId);
        Assert.Equal("example", call.Invocation.ChaincodeName);
    }

    [Fact]
    public async Task Evaluate_sends_the_qualified_function_name_byte_arguments_transient_data_and_target_organizations()
    {
        var contract = Gateway.GetNetwork("roaming-emea").GetContract("example", "AssetContract");
        byte[] binary = [0, 1, 2, 255];
        var options = new ProposalOptions()
            .AddArguments("text")
            .AddArguments(binary)
            .PutTransient("secret", "s3cret")
            .WithTargetOrganizations("Org2MSP");

        await contract.EvaluateTransactionAsync("Read", options).WaitAsync(Bound);

        var call = Assert.Single(State.Calls);
        Assert.Equal("AssetContract:Read", call.Invocation.Function);
        Assert.Equal(Encoding.UTF8.GetBytes("text"), call.Invocation.Args[1]);
        Assert.Equal(binary, call.Invocation.Args[2]);
        Assert.Equal("s3cret", Encoding.UTF8.GetString(call.Invocation.Transient["secret"]));
        Assert.Equal(["Org2MSP"], call.Organizations);
    }

    [Fact]
    public async Task Evaluate_targets_the_endorsing_organizations_when_no_targets_are_given()
    {
        await Contract.EvaluateTransactionAsync("Read", new ProposalOptions().WithEndorsingOrganizations("Org1MSP", "Org2MSP")).WaitAsync(Bound);

        Assert.Equal(["Org1MSP", "Org2MSP"], Assert.Single(State.Calls).Organizations);
    }

    [Fact]
    public async Task Submit_transaction_returns_the_result_once_the_transaction_commits_valid()
    {
        var options = new ProposalOptions().AddArguments("asset1", "blue").WithEndorsingOrganizations("Org1MSP", "Org2MSP");

        var result = await Contract.SubmitTransactionAsync("CreateAsset", options).WaitAsync(Bound);

        Assert.Equal("CreateAsset:asset1,blue", Encoding.UTF8.GetString(result));
        var endorse = Assert.Single(State.Calls);
        Assert.Equal("Endorse", endorse.Method);
        Assert.Equal(["Org1MSP", "Org2MSP"], endorse.Organizations);
        Assert.NotNull(State.Ledger.Find(endorse.Invocation.TransactionId));
    }

    [Fact]
    public async Task Submit_async_gives_the_result_before_the_commit_and_the_status_after_it()
    {
        State.CommitGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var submitted = await Contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments("a1")).WaitAsync(Bound);

        Assert.Equal("CreateAsset:a1", Encoding.UTF8.GetString(submitted.GetResult()));
        Assert.Null(State.Ledger.Find(submitted.TransactionId));
        var status = submitted.GetStatusAsync();
        await Task.Delay(100);
        Assert.False(status.IsCompleted);

        State.CommitGate.SetResult();
        var committed = await status.WaitAsync(Bound);
        Assert.True(committed.IsSuccessful);
        Assert.Equal(submitted.TransactionId, committed.TransactionId);
        Assert.Equal(State.Ledger.Find(submitted.TransactionId)!.Value.Block, committed.BlockNumber);
    }

    [Fact]
    public async Task A_transaction_that_commits_invalid_raises_a_commit_exception_with_its_validation_code()
    {
        State.CommitCode = _ => TxValidationCode.MvccReadConflict;

        var e = await Assert.ThrowsAsync<CommitException>(() => Contract.SubmitTransactionAsync("Transfer", "a1", "Org2MSP").WaitAsync(Bound));

        Assert.Equal(TxValidationCode.MvccReadConflict, e.Code);
        Assert.Equal(Assert.Single(State.Calls).Invocation.TransactionId, e.TransactionId);
        Assert.Equal(State.Ledger.Find(e.TransactionId)!.Value.Block, e.BlockNumber);
    }

    [Fact]
    public async Task The_explicit_path_exposes_one_transaction_id_through_every_step()
    {
        var proposal = Contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments("a2"));
        var transaction = await proposal.EndorseAsync().WaitAsync(Bound);
        var commit = await transaction.SubmitAsync().WaitAsync(Bound);
        var status = await commit.GetStatusAsync().WaitAsync(Bound);

        Assert.Equal(proposal.TransactionId, transaction.TransactionId);
        Assert.Equal(proposal.TransactionId, commit.TransactionId);
        Assert.Equal(proposal.TransactionId, status.TransactionId);
        Assert.Equal("CreateAsset:a2", Encoding.UTF8.GetString(transaction.GetResult()));
        Assert.Equal(proposal.TransactionId, Assert.Single(State.Calls).Invocation.TransactionId);
    }

    [Fact]
    public void The_transaction_id_is_the_lowercase_hex_sha256_of_nonce_and_creator()
    {
        var proposal = Contract.NewProposal("Any");

        var proposed = ProposedTransaction.Parser.ParseFrom(proposal.ToBytes());
        var header = Header.Parser.ParseFrom(PeerProposal.Parser.ParseFrom(proposed.Proposal.ProposalBytes).Header);
        var signatureHeader = SignatureHeader.Parser.ParseFrom(header.SignatureHeader);
        var channelHeader = ChannelHeader.Parser.ParseFrom(header.ChannelHeader);
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. signatureHeader.Nonce.Span, .. signatureHeader.Creator.Span]));

        Assert.Equal(24, signatureHeader.Nonce.Length);
        Assert.Equal(expected, proposal.TransactionId);
        Assert.Equal(expected, channelHeader.TxId);
        Assert.Equal((int)HeaderType.EndorserTransaction, channelHeader.Type);
        Assert.Equal(0UL, channelHeader.Epoch);
        Assert.NotEqual(proposal.TransactionId, Contract.NewProposal("Any").TransactionId);
    }

    [Fact]
    public async Task A_gateway_hashing_with_sha384_is_verified_by_a_peer_expecting_sha384()
    {
        State.Checks.HashAlgorithm = System.Security.Cryptography.HashAlgorithmName.SHA384;
        var options = TestOrg.Org1.Options();
        options.Hash = Hash.Sha384;
        using var gateway = Connect(options);

        var result = await gateway.GetNetwork("roaming-emea").GetContract("example").SubmitTransactionAsync("Put", "k").WaitAsync(Bound);

        Assert.Equal("Put:k", Encoding.UTF8.GetString(result));
    }

    [Fact]
    public async Task A_signature_over_the_wrong_hash_is_rejected_by_the_peer()
    {
        State.Checks.HashAlgorithm = System.Security.Cryptography.HashAlgorithmName.SHA384;

        var e = await Assert.ThrowsAsync<EvaluateException>(() => Contract.EvaluateTransactionAsync("Read").WaitAsync(Bound));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pluggable_signer_signs_the_proposal_the_envelope_and_the_commit_status_request()
    {
        var remote = new CountingSigner(TestOrg.Org1.Signer);
        var options = TestOrg.Org1.Options();
        options.Signer = remote;
        using var gateway = Connect(options);

        await gateway.GetNetwork("roaming-emea").GetContract("example").SubmitTransactionAsync("Put", "k").WaitAsync(Bound);

        Assert.Equal(3, remote.Count);
    }

    [Fact]
    public async Task Options_changed_after_building_a_proposal_do_not_change_it()
    {
        var options = new ProposalOptions().AddArguments("a").WithEndorsingOrganizations("Org1MSP");
        var proposal = Contract.NewProposal("Read", options);
        options.AddArguments("b").WithEndorsingOrganizations("Org2MSP");

        await proposal.EvaluateAsync().WaitAsync(Bound);

        var call = Assert.Single(State.Calls);
        Assert.Equal(["a"], call.Invocation.StringArgs);
        Assert.Equal(["Org1MSP"], call.Organizations);
    }

    private sealed class CountingSigner(ISigner inner) : ISigner
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            await Task.Yield();
            return await inner.SignAsync(digest, cancellationToken);
        }
    }

    protected override bool ExpectedViolation(string violation) => violation.Contains("does not verify", StringComparison.Ordinal);
}
