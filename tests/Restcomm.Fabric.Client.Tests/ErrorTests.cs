using Grpc.Core;
using Restcomm.Fabric.Client.Tests.Support;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.Fabric.Client.Tests;

public sealed class ErrorTests : PeerTestBase
{
    [Fact]
    public async Task A_chaincode_error_during_evaluate_surfaces_as_an_evaluate_exception_with_the_peer_message()
    {
        State.Chaincode = _ => new ChaincodeOutcome(500, "asset a9 does not exist", []);

        var e = await Assert.ThrowsAsync<EvaluateException>(() => Contract.EvaluateTransactionAsync("ReadAsset", "a9").WaitAsync(Bound));

        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        Assert.Equal(Assert.Single(State.Calls).Invocation.TransactionId, e.TransactionId);
        var detail = Assert.Single(e.Details);
        Assert.Equal(new PeerErrorDetail("peer0.org1.example.com:7051", "Org1MSP", "chaincode response 500, asset a9 does not exist"), detail);
        Assert.Contains("asset a9 does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chaincode_error_during_endorse_surfaces_as_an_endorse_exception_with_each_peer_detail()
    {
        State.Chaincode = _ => new ChaincodeOutcome(500, "insufficient funds", []);

        var e = await Assert.ThrowsAsync<EndorseException>(() => Contract.SubmitTransactionAsync("Transfer", "a1").WaitAsync(Bound));

        Assert.Equal(StatusCode.Aborted, e.StatusCode);
        Assert.Equal(Assert.Single(State.Calls).Invocation.TransactionId, e.TransactionId);
        Assert.Equal(["Org1MSP", "Org2MSP"], e.Details.Select(d => d.MspId));
        Assert.Equal(["peer0.org1.example.com:7051", "peer0.org2.example.com:9051"], e.Details.Select(d => d.Address));
        Assert.All(e.Details, d => Assert.Equal("chaincode response 500, insufficient funds", d.Message));
        Assert.IsType<RpcException>(e.InnerException);
    }

    [Fact]
    public async Task A_coded_chaincode_refusal_is_exposed_with_its_status_code_and_message()
    {
        State.Chaincode = _ => new ChaincodeOutcome(403, Restcomm.Fabric.Ledger.ChaincodeErrorCodes.Document("forbidden", "only the owner may clear"), []);

        var e = await Assert.ThrowsAsync<EndorseException>(() => Contract.SubmitTransactionAsync("Clear", "a1").WaitAsync(Bound));

        Assert.Equal(new Restcomm.Fabric.Ledger.ChaincodeError(403, "forbidden", "only the owner may clear"), e.ChaincodeError);
        Assert.All(e.Details, d => Assert.Equal("forbidden", d.Chaincode?.Code));
    }

    [Fact]
    public async Task A_plain_chaincode_message_gets_the_code_its_status_implies()
    {
        State.Chaincode = _ => new ChaincodeOutcome(404, "asset a9 does not exist", []);

        var e = await Assert.ThrowsAsync<EvaluateException>(() => Contract.EvaluateTransactionAsync("ReadAsset", "a9").WaitAsync(Bound));

        Assert.Equal(new Restcomm.Fabric.Ledger.ChaincodeError(404, "not-found", "asset a9 does not exist"), e.ChaincodeError);
    }

    [Fact]
    public void A_coded_internal_failure_is_the_chaincodes_answer_whatever_its_status()
        => Assert.Equal(
            new Restcomm.Fabric.Ledger.ChaincodeError(500, "internal", "index out of range"),
            new PeerErrorDetail("peer0:7051", "Org1MSP", "chaincode response 500, " + Restcomm.Fabric.Ledger.ChaincodeErrorCodes.Document("internal", "index out of range")).Chaincode);

    [Theory]
    [InlineData("error in simulation: failed to execute transaction: could not launch chaincode")]
    [InlineData("chaincode response 500, error in simulation: failed to execute transaction: could not launch chaincode eir_1.0: connection refused")]
    [InlineData("chaincode response 502, no document")]
    [InlineData("chaincode response x, oops")]
    [InlineData("")]
    public void A_peer_message_that_is_not_a_chaincode_response_carries_no_chaincode_error(string message)
        => Assert.Null(new PeerErrorDetail("peer0:7051", "Org1MSP", message).Chaincode);

    [Fact]
    public async Task An_ordering_failure_surfaces_as_a_submit_exception()
    {
        State.SubmitFault = _ => FakeGatewayService.WithDetails(StatusCode.Unavailable, "no orderers could be reached",
            new ErrorDetail { Address = "orderer.example.com:7050", MspId = "OrdererMSP", Message = "connection refused" });

        var e = await Assert.ThrowsAsync<SubmitException>(() => Contract.SubmitTransactionAsync("Create", "a1").WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(Assert.Single(State.Calls).Invocation.TransactionId, e.TransactionId);
        Assert.Equal(new PeerErrorDetail("orderer.example.com:7050", "OrdererMSP", "connection refused"), Assert.Single(e.Details));
    }

    [Fact]
    public async Task A_failing_commit_status_call_surfaces_as_a_commit_status_exception()
    {
        State.CommitStatusFault = _ => new RpcException(new Status(StatusCode.PermissionDenied, "not authorized"));

        var e = await Assert.ThrowsAsync<CommitStatusException>(() => Contract.SubmitTransactionAsync("Create", "a1").WaitAsync(Bound));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal(Assert.Single(State.Calls).Invocation.TransactionId, e.TransactionId);
        Assert.Empty(e.Details);
    }

    [Fact]
    public async Task Waiting_for_a_commit_longer_than_the_commit_status_timeout_raises_a_deadline_commit_status_exception_and_can_be_retried()
    {
        State.CommitGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TestOrg.Org1.Options();
        options.CommitStatusTimeout = TimeSpan.FromMilliseconds(300);
        using var gateway = Connect(options);
        var submitted = await gateway.GetNetwork("roaming-emea").GetContract("example").SubmitAsync("Create").WaitAsync(Bound);

        var e = await Assert.ThrowsAsync<CommitStatusException>(() => submitted.GetStatusAsync().WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Equal(submitted.TransactionId, e.TransactionId);

        State.CommitGate.SetResult();
        await State.Ledger.WaitForTransactionAsync(submitted.TransactionId, CancellationToken.None).WaitAsync(Bound);
        Assert.True((await submitted.GetStatusAsync().WaitAsync(Bound)).IsSuccessful);
    }

    [Fact]
    public async Task Cancelling_a_call_raises_operation_cancelled()
    {
        State.CommitGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submitted = await Contract.SubmitAsync("Create").WaitAsync(Bound);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submitted.GetStatusAsync(cts.Token).WaitAsync(Bound));
        State.CommitGate.SetResult();
    }

    [Fact]
    public async Task An_unreachable_peer_surfaces_as_an_unavailable_evaluate_exception()
    {
        using var channel = new ConnectionOptions { Endpoint = "127.0.0.1:1", UseTls = false }.CreateChannel();
        using var gateway = Gateway.Connect(channel, TestOrg.Org1.Options());

        var e = await Assert.ThrowsAsync<EvaluateException>(
            () => gateway.GetNetwork("roaming-emea").GetContract("example").EvaluateTransactionAsync("Read").WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Empty(e.Details);
    }
}
