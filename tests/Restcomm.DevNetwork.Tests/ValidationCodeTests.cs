using System.Security.Cryptography;
using Google.Protobuf;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// Transactions altered after endorsement and signed again by their creator (so the orderer accepts them): each is
/// committed with the validation code a Fabric 2.5 peer gives it (core/common/validation/msgvalidation.go, then the
/// validation dispatcher and the endorsement policy plugin).
/// </summary>
public sealed class ValidationCodeTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    private static string Id() => "asset-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Endorses a CreateAsset, lets <paramref name="tamper"/> change its transaction, signs it again and returns its code.</summary>
    /// <remarks>
    /// With <paramref name="pastTheClient"/> the envelope goes straight to the channel's ordering queue: our client will
    /// not submit a transaction whose chaincode response it cannot read, but the orderer does not read that deep.
    /// </remarks>
    private static async Task<TxValidationCode> TamperedAsync(TestNetwork net, Action<Restcomm.Fabric.Protos.Peer.Transaction, Payload> tamper, bool pastTheClient = false)
    {
        var gateway = net.Connect("Org1MSP");
        var contract = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);
        var endorsed = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(Id(), "alice", "1")).EndorseAsync().WaitAsync(Timeout);
        var prepared = PreparedTransaction.Parser.ParseFrom(endorsed.ToBytes());
        var payload = Payload.Parser.ParseFrom(prepared.Envelope.Payload);
        var transaction = Restcomm.Fabric.Protos.Peer.Transaction.Parser.ParseFrom(payload.Data);
        tamper(transaction, payload);
        payload.Data = transaction.ToByteString();
        prepared.Envelope.Payload = payload.ToByteString();
        var signer = EcdsaSigner.FromPemFile(FabricNetworkDescription.Load(net.NetworkJson).GetOrg("Org1MSP").ClientKeyFile!);
        var signature = signer.Sign(SHA256.HashData(prepared.Envelope.Payload.Span));

        if (pastTheClient)
        {
            prepared.Envelope.Signature = ByteString.CopyFrom(signature);
            var ledger = net.Network.Ledgers[TestNetwork.Channel];
            Assert.True(await ledger.AcceptAsync(prepared.Envelope.ToByteArray(), prepared.TransactionId));
            return (TxValidationCode)(await ledger.WaitForCommitAsync(prepared.TransactionId, CancellationToken.None).WaitAsync(Timeout)).Code;
        }

        var submitted = await gateway.NewSignedTransaction(prepared.ToByteArray(), signature).SubmitAsync().WaitAsync(Timeout);
        return (await submitted.GetStatusAsync().WaitAsync(Timeout)).Code;
    }

    private static void Action(Restcomm.Fabric.Protos.Peer.Transaction transaction, Action<ChaincodeActionPayload> change)
    {
        var action = ChaincodeActionPayload.Parser.ParseFrom(transaction.Actions[0].Payload);
        change(action);
        transaction.Actions[0].Payload = action.ToByteString();
    }

    [Fact]
    public async Task Arguments_altered_after_endorsement_are_an_invalid_endorser_transaction()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (tx, _) => Action(tx, a =>
        {
            var proposal = ChaincodeProposalPayload.Parser.ParseFrom(a.ChaincodeProposalPayload);
            var invocation = ChaincodeInvocationSpec.Parser.ParseFrom(proposal.Input);
            invocation.ChaincodeSpec.Input.Args[3] = ByteString.CopyFromUtf8("1000000");
            proposal.Input = invocation.ToByteString();
            a.ChaincodeProposalPayload = proposal.ToByteString();
        }));

        Assert.Equal(TxValidationCode.InvalidEndorserTransaction, code);
    }

    [Fact]
    public async Task An_unreadable_endorsed_response_is_an_invalid_endorser_transaction()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (tx, _) => Action(tx, a => a.Action.ProposalResponsePayload = ByteString.CopyFrom(0xFF, 0xFF, 0xFF)), pastTheClient: true);

        Assert.Equal(TxValidationCode.InvalidEndorserTransaction, code);
    }

    [Fact]
    public async Task A_second_action_is_an_invalid_endorser_transaction()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (tx, _) => tx.Actions.Add(tx.Actions[0].Clone()));

        Assert.Equal(TxValidationCode.InvalidEndorserTransaction, code);
    }

    [Fact]
    public async Task Another_chaincode_named_in_the_header_breaks_the_proposal_hash_and_is_an_invalid_endorser_transaction()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (_, payload) =>
        {
            var header = ChannelHeader.Parser.ParseFrom(payload.Header.ChannelHeader);
            header.Extension = new ChaincodeHeaderExtension { ChaincodeId = new ChaincodeID { Name = "other" } }.ToByteString();
            payload.Header.ChannelHeader = header.ToByteString();
        });

        Assert.Equal(TxValidationCode.InvalidEndorserTransaction, code);
    }

    [Fact]
    public async Task A_read_write_set_altered_after_endorsement_fails_the_endorsement_policy()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (tx, _) => Action(tx, a =>
        {
            var response = ProposalResponsePayload.Parser.ParseFrom(a.Action.ProposalResponsePayload);
            var action = ChaincodeAction.Parser.ParseFrom(response.Extension);
            action.Response.Message = "altered";
            response.Extension = action.ToByteString();
            a.Action.ProposalResponsePayload = response.ToByteString();
        }));

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, code);
    }

    [Fact]
    public async Task An_unreadable_chaincode_action_inside_an_intact_hash_is_a_bad_response_payload()
    {
        await using var net = await TestNetwork.StartAsync();

        var code = await TamperedAsync(net, (tx, _) => Action(tx, a =>
        {
            var response = ProposalResponsePayload.Parser.ParseFrom(a.Action.ProposalResponsePayload);
            response.Extension = ByteString.CopyFrom(0xFF, 0xFF, 0xFF);
            a.Action.ProposalResponsePayload = response.ToByteString();
        }), pastTheClient: true);

        Assert.Equal(TxValidationCode.BadResponsePayload, code);
    }
}
