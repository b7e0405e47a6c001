using System.Text;
using Google.Protobuf;
using Restcomm.Fabric.Client.Tests.Support;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.Fabric.Client.Tests;

public sealed class OfflineSigningTests : PeerTestBase
{
    private static readonly EcdsaSigner OfflineKey = TestOrg.Org1.Signer;

    [Fact]
    public async Task Signing_every_step_offline_endorses_submits_and_commits_the_transaction()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var contract = gateway.GetNetwork("roaming-emea").GetContract("example");

        var unsigned = contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments("offline"));
        var proposal = gateway.NewSignedProposal(unsigned.ToBytes(), OfflineKey.Sign(unsigned.GetDigest()));
        var unsignedTransaction = await proposal.EndorseAsync().WaitAsync(Bound);
        var transaction = gateway.NewSignedTransaction(unsignedTransaction.ToBytes(), OfflineKey.Sign(unsignedTransaction.GetDigest()));
        var unsignedCommit = await transaction.SubmitAsync().WaitAsync(Bound);
        var commit = gateway.NewSignedCommit(unsignedCommit.ToBytes(), OfflineKey.Sign(unsignedCommit.GetDigest()));
        var status = await commit.GetStatusAsync().WaitAsync(Bound);

        Assert.True(status.IsSuccessful);
        Assert.Equal(unsigned.TransactionId, status.TransactionId);
        Assert.Equal("CreateAsset:offline", Encoding.UTF8.GetString(transaction.GetResult()));
    }

    [Fact]
    public async Task An_offline_signed_proposal_can_be_evaluated()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var unsigned = gateway.GetNetwork("roaming-emea").GetContract("example").NewProposal("Read", new ProposalOptions().AddArguments("k"));

        var result = await gateway.NewSignedProposal(unsigned.ToBytes(), OfflineKey.Sign(unsigned.GetDigest())).EvaluateAsync().WaitAsync(Bound);

        Assert.Equal("Read:k", Encoding.UTF8.GetString(result));
    }

    [Fact]
    public async Task Offline_signed_event_requests_are_accepted()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var network = gateway.GetNetwork("roaming-emea");
        State.Ledger.AppendEvents("example", ("tx1", "Created", Protos.Peer.TxValidationCode.Valid));
        using var cts = new CancellationTokenSource(Bound);

        var unsignedEvents = network.NewChaincodeEventsRequest("example", new EventsOptions { StartBlock = 1 });
        var events = gateway.NewSignedChaincodeEventsRequest(unsignedEvents.ToBytes(), OfflineKey.Sign(unsignedEvents.GetDigest()));
        await using var eventEnumerator = events.GetEventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await eventEnumerator.MoveNextAsync());
        Assert.Equal("tx1", eventEnumerator.Current.TransactionId);

        var unsignedBlocks = network.NewFilteredBlockEventsRequest(new EventsOptions { StartBlock = 1 });
        var blocks = gateway.NewSignedFilteredBlockEventsRequest(unsignedBlocks.ToBytes(), OfflineKey.Sign(unsignedBlocks.GetDigest()));
        await using var blockEnumerator = blocks.GetEventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await blockEnumerator.MoveNextAsync());
        Assert.Equal(1UL, blockEnumerator.Current.Number);
    }

    [Fact]
    public async Task Without_a_signer_an_unsigned_proposal_is_not_sent()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var proposal = gateway.GetNetwork("roaming-emea").GetContract("example").NewProposal("Read");

        await Assert.ThrowsAsync<InvalidOperationException>(() => proposal.EvaluateAsync().WaitAsync(Bound));
        Assert.Empty(State.Calls);
    }

    [Fact]
    public async Task The_transaction_digest_covers_the_envelope_payload_exactly_as_the_gateway_returned_it()
    {
        var transaction = await Contract.NewProposal("CreateAsset").EndorseAsync().WaitAsync(Bound);

        var received = State.Prepared[transaction.TransactionId].Payload;
        Assert.Equal(Hash.Sha256.Compute(received.Span), transaction.GetDigest());
        Assert.Equal(received, PreparedTransaction.Parser.ParseFrom(transaction.ToBytes()).Envelope.Payload);
    }

    [Fact]
    public async Task A_transaction_whose_payload_was_re_serialised_before_signing_is_refused_at_submit()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var contract = gateway.GetNetwork("roaming-emea").GetContract("example");
        var unsigned = contract.NewProposal("CreateAsset");
        var endorsed = await gateway.NewSignedProposal(unsigned.ToBytes(), OfflineKey.Sign(unsigned.GetDigest())).EndorseAsync().WaitAsync(Bound);

        // What a careless client does: decode the payload and encode it again before signing.
        var prepared = PreparedTransaction.Parser.ParseFrom(endorsed.ToBytes());
        prepared.Envelope.Payload = Payload.Parser.ParseFrom(prepared.Envelope.Payload).ToByteString();
        var resigned = gateway.NewSignedTransaction(prepared.ToByteArray(), OfflineKey.Sign(Hash.Sha256.Compute(prepared.Envelope.Payload.Span)));

        var e = await Assert.ThrowsAsync<SubmitException>(() => resigned.SubmitAsync().WaitAsync(Bound));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(unsigned.TransactionId, e.TransactionId);
    }

    [Fact]
    public async Task A_proposal_signed_by_another_key_is_refused()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var unsigned = gateway.GetNetwork("roaming-emea").GetContract("example").NewProposal("Read");
        var stranger = EcdsaSigner.FromPem(TestOrg.Org1.Ca.Issue("Stranger").Pkcs8KeyPem);

        var e = await Assert.ThrowsAsync<EvaluateException>(
            () => gateway.NewSignedProposal(unsigned.ToBytes(), stranger.Sign(unsigned.GetDigest())).EvaluateAsync().WaitAsync(Bound));

        Assert.Contains("does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_but_high_s_signature_is_refused_as_a_peer_would()
    {
        using var gateway = Connect(TestOrg.Org1.Options(withSigner: false));
        var unsigned = gateway.GetNetwork("roaming-emea").GetContract("example").NewProposal("Read");
        var (r, s) = SignerTests.ReadDer(OfflineKey.Sign(unsigned.GetDigest()));
        var order = System.Numerics.BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(order - s);
        }

        var e = await Assert.ThrowsAsync<EvaluateException>(
            () => gateway.NewSignedProposal(unsigned.ToBytes(), writer.Encode()).EvaluateAsync().WaitAsync(Bound));

        Assert.Contains("high S", e.Message, StringComparison.Ordinal);
        Assert.Empty(State.Calls);
    }

    protected override bool ExpectedViolation(string violation) =>
        violation.Contains("altered", StringComparison.Ordinal) || violation.Contains("does not verify", StringComparison.Ordinal)
        || violation.Contains("high S", StringComparison.Ordinal);
}
