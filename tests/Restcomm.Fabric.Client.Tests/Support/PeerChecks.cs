using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Protos.Peer;
using PeerProposal = Restcomm.Fabric.Protos.Peer.Proposal;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>What the fake peer decoded from a proposal that passed every check.</summary>
internal sealed record Invocation(
    string TransactionId,
    string ChannelId,
    string ChaincodeName,
    IReadOnlyList<byte[]> Args,
    IReadOnlyDictionary<string, byte[]> Transient,
    string CreatorMspId,
    ByteString Creator,
    ByteString HeaderBytes,
    ByteString SignatureHeaderBytes,
    ByteString ProposalPayload,
    ByteString ProposalBytes)
{
    public string Function => System.Text.Encoding.UTF8.GetString(Args[0]);

    public IEnumerable<string> StringArgs => Args.Skip(1).Select(a => System.Text.Encoding.UTF8.GetString(a));
}

/// <summary>
/// The checks a Fabric peer makes on what a client sends (core/endorser/msgvalidation.go, protoutil,
/// bccsp/sw/ecdsa.go): well-formed headers, a zero epoch, a non-empty nonce and creator, the transaction ID
/// derived from them, and a strict low-S DER ECDSA signature by the creator's certificate over the exact bytes.
/// Every violation is recorded and answered with a gRPC error.
/// </summary>
internal sealed class PeerChecks
{
    private readonly List<string> _violations = [];

    public HashAlgorithmName HashAlgorithm { get; set; } = HashAlgorithmName.SHA256;

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations)
            {
                return [.. _violations];
            }
        }
    }

    public Invocation CheckSignedProposal(SignedProposal signed, string requestTransactionId, string requestChannelId)
    {
        Require(!signed.ProposalBytes.IsEmpty, "empty proposal bytes");
        var proposal = Parse(PeerProposal.Parser, signed.ProposalBytes, "proposal");
        var header = Parse(Header.Parser, proposal.Header, "header");
        var channelHeader = Parse(ChannelHeader.Parser, header.ChannelHeader, "channel header");
        var signatureHeader = Parse(SignatureHeader.Parser, header.SignatureHeader, "signature header");

        Require(channelHeader.Type == (int)HeaderType.EndorserTransaction, $"channel header type {channelHeader.Type}, want ENDORSER_TRANSACTION");
        Require(channelHeader.Epoch == 0, "non-zero epoch");
        Require(channelHeader.Timestamp is not null, "missing timestamp");
        Require(channelHeader.ChannelId == requestChannelId, $"channel header channel '{channelHeader.ChannelId}' differs from request '{requestChannelId}'");
        Require(channelHeader.TxId == requestTransactionId, "channel header tx_id differs from the request's transaction_id");
        var extension = Parse(ChaincodeHeaderExtension.Parser, channelHeader.Extension, "chaincode header extension");
        Require(!string.IsNullOrEmpty(extension.ChaincodeId?.Name), "no chaincode name in the header extension");

        var creator = CheckSignatureHeader(signatureHeader, channelHeader.TxId);
        CheckSignature(creator.Certificate, signed.ProposalBytes, signed.Signature, "proposal");

        var payload = Parse(ChaincodeProposalPayload.Parser, proposal.Payload, "proposal payload");
        var invocation = Parse(ChaincodeInvocationSpec.Parser, payload.Input, "invocation spec");
        Require(invocation.ChaincodeSpec?.ChaincodeId?.Name == extension.ChaincodeId!.Name, "invocation spec names another chaincode");
        Require(invocation.ChaincodeSpec!.Input is { Args.Count: > 0 }, "no function name");

        return new Invocation(
            channelHeader.TxId,
            channelHeader.ChannelId,
            extension.ChaincodeId.Name,
            [.. invocation.ChaincodeSpec.Input.Args.Select(a => a.ToByteArray())],
            payload.TransientMap.ToDictionary(p => p.Key, p => p.Value.ToByteArray()),
            creator.MspId,
            signatureHeader.Creator,
            proposal.Header,
            header.SignatureHeader,
            proposal.Payload,
            signed.ProposalBytes);
    }

    public (string MspId, X509Certificate2 Certificate) CheckSignatureHeader(SignatureHeader signatureHeader, string transactionId)
    {
        Require(!signatureHeader.Nonce.IsEmpty, "empty nonce");
        Require(!signatureHeader.Creator.IsEmpty, "empty creator");
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. signatureHeader.Nonce.Span, .. signatureHeader.Creator.Span]));
        Require(transactionId == expected, $"transaction ID {transactionId} is not hex(SHA-256(nonce ‖ creator)) = {expected}");
        return Creator(signatureHeader.Creator);
    }

    public (string MspId, X509Certificate2 Certificate) Creator(ByteString serializedIdentity)
    {
        var identity = Parse(SerializedIdentity.Parser, serializedIdentity, "creator");
        Require(!string.IsNullOrEmpty(identity.Mspid), "creator without MSP ID");
        var pem = identity.IdBytes.ToStringUtf8();
        Require(pem.StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal), "creator id_bytes are not a PEM certificate");
        return (identity.Mspid, X509Certificate2.CreateFromPem(pem));
    }

    public void CheckSignature(X509Certificate2 certificate, ByteString message, ByteString signature, string what)
    {
        Require(!signature.IsEmpty, $"{what} is unsigned");
        using var key = certificate.GetECDsaPublicKey();
        Require(key is not null, "creator certificate has no ECDSA key");

        BigInteger s;
        try
        {
            var reader = new AsnReader(signature.Memory, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            sequence.ReadInteger();
            s = sequence.ReadInteger();
            sequence.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            Fail($"{what} signature is not strict DER (r, s)");
            throw;
        }

        var order = key!.KeySize switch
        {
            384 => BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", System.Globalization.NumberStyles.HexNumber),
            _ => BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber),
        };
        Require(s <= order / 2, $"{what} signature has a high S");
        Require(key.VerifyData(message.Span, signature.Span, HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence),
            $"{what} signature does not verify against the creator's certificate");
    }

    public T Parse<T>(MessageParser<T> parser, ByteString bytes, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            Fail($"malformed {what}: {e.Message}");
            throw;
        }
    }

    public void Require(bool condition, string violation)
    {
        if (!condition)
        {
            Fail(violation);
        }
    }

    private void Fail(string violation)
    {
        lock (_violations)
        {
            _violations.Add(violation);
        }

        throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, violation));
    }
}
