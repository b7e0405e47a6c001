using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Grpc.Core;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;
using Gateway = Restcomm.Fabric.Client.Gateway;
using Proposal = Restcomm.Fabric.Client.Proposal;

namespace Restcomm.Benchmarks;

/// <summary>
/// The Gateway client's own CPU for one submitted and committed transaction, without a transport: a call invoker
/// serialises each request with its gRPC marshaller and answers with a response deserialised from canned bytes, so
/// what is measured is what the client library does per transaction (proposal, three signatures, protobuf,
/// hashing, the result, the commit status), and grpc-dotnet's HTTP/2 path is not.
/// </summary>
[MemoryDiagnoser]
public class ClientTransactionBenchmarks
{
    private ECDsa _key = null!;
    private PlatformEcdsaSigner _signer = null!;
    private Gateway _gateway = null!;
    private Contract _contract = null!;
    private ProposalOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _signer = PlatformEcdsaSigner.FromPem(_key.ExportPkcs8PrivateKeyPem());
        var request = new CertificateRequest("CN=User1@org1.example.com", _key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        _gateway = Gateway.Connect(new CannedGatewayInvoker(), new GatewayOptions
        {
            Identity = new X509Identity("Org1MSP", X509CertificateLoader.LoadCertificate(certificate.RawData)),
            Signer = _signer,
        });
        _contract = _gateway.GetNetwork("roaming-emea").GetContract("example");
        _options = new ProposalOptions().AddArguments("asset-000001", "owner", "42");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gateway.Dispose();
        _signer.Dispose();
        _key.Dispose();
    }

    /// <summary>Building an unsigned proposal (nonce, transaction ID, headers, serialisation).</summary>
    [Benchmark]
    public Proposal NewProposal() => _contract.NewProposal("CreateAsset", _options);

    /// <summary>One platform signature with low-S DER encoding (a transaction makes three).</summary>
    [Benchmark]
    public byte[] Sign() => _signer.Sign(_digest);

    /// <summary>Reading the chaincode's result out of a prepared transaction as a peer's Gateway returns it.</summary>
    [Benchmark]
    public ByteString PreparedResult() => Restcomm.Fabric.Client.Internal.TransactionParser.Result(_prepared);

    /// <summary>Low-S DER encoding of a fixed-width P-256 signature.</summary>
    [Benchmark]
    public byte[] LowSDer() => Restcomm.Fabric.Client.Internal.LowSSignature.FromFixed(_fixedSignature);

    /// <summary>The whole submit + commit status flow of <see cref="Contract.SubmitTransactionAsync(string, ProposalOptions?, CancellationToken)"/>.</summary>
    [Benchmark(Baseline = true)]
    public Task<byte[]> SubmitAndCommit() => _contract.SubmitTransactionAsync("CreateAsset", _options);

    private readonly byte[] _digest = SHA256.HashData("a proposal"u8);
    private readonly Envelope _prepared = CannedGatewayInvoker.PreparedResponse().PreparedTransaction;
    private readonly byte[] _fixedSignature = RandomNumberGenerator.GetBytes(64);

    /// <summary>
    /// Answers Endorse with a prepared transaction shaped as a peer's (two endorsements, a read/write set), Submit
    /// with nothing and CommitStatus with VALID; requests are serialised and responses parsed as on the wire.
    /// </summary>
    private sealed class CannedGatewayInvoker : CallInvoker
    {
        private readonly byte[] _endorseResponse = PreparedResponse().ToByteArray();
        private readonly byte[] _commitStatusResponse = new CommitStatusResponse { Result = TxValidationCode.Valid, BlockNumber = 12 }.ToByteArray();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            _ = ((IMessage)request!).ToByteArray();
            object response = method.Name switch
            {
                "Endorse" => EndorseResponse.Parser.ParseFrom(_endorseResponse),
                "Submit" => SubmitResponse.Parser.ParseFrom([]),
                "CommitStatus" => CommitStatusResponse.Parser.ParseFrom(_commitStatusResponse),
                _ => throw new NotSupportedException(method.Name),
            };
            return new AsyncUnaryCall<TResponse>(Task.FromResult((TResponse)response), Task.FromResult(new Grpc.Core.Metadata()), static () => Grpc.Core.Status.DefaultSuccess, static () => [], static () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public static EndorseResponse PreparedResponse()
        {
            var endorser = new Restcomm.Fabric.Protos.Msp.SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(800)) }.ToByteString();
            var signatureHeader = new SignatureHeader { Creator = endorser, Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(24)) }.ToByteString();
            var chaincodeAction = new ChaincodeAction
            {
                Response = new Response { Status = 200, Payload = ByteString.CopyFromUtf8("{\"id\":\"asset-000001\",\"owner\":\"owner\",\"value\":42}") },
                ChaincodeId = new ChaincodeID { Name = "example", Version = "1.0" },
                Results = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(160)),
                Events = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(120)),
            };
            var responsePayload = new ProposalResponsePayload
            {
                ProposalHash = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                Extension = chaincodeAction.ToByteString(),
            };
            var actionPayload = new ChaincodeActionPayload
            {
                ChaincodeProposalPayload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(60)),
                Action = new ChaincodeEndorsedAction { ProposalResponsePayload = responsePayload.ToByteString() },
            };
            for (var i = 0; i < 2; i++)
            {
                actionPayload.Action.Endorsements.Add(new Endorsement { Endorser = endorser, Signature = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(71)) });
            }

            var transaction = new Restcomm.Fabric.Protos.Peer.Transaction();
            transaction.Actions.Add(new TransactionAction { Header = signatureHeader, Payload = actionPayload.ToByteString() });
            var channelHeader = new ChannelHeader { Type = (int)HeaderType.EndorserTransaction, ChannelId = "roaming-emea", TxId = new string('a', 64) };
            var payload = new Payload
            {
                Header = new Header { ChannelHeader = channelHeader.ToByteString(), SignatureHeader = signatureHeader },
                Data = transaction.ToByteString(),
            };
            return new EndorseResponse { PreparedTransaction = new Envelope { Payload = payload.ToByteString() } };
        }
    }
}
