using Grpc.Core;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Fabric;

namespace Restcomm.Gateway.Tests.Api;

public sealed class FabricConnectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-fabric-conn-").FullName;

    [Fact]
    public void The_organisations_entry_and_channels_come_from_the_network_file()
    {
        var file = WriteNetworkFile();

        var connection = FabricConnection.Resolve(new FabricOptions { NetworkFile = file }, "Org2MSP", _directory);

        Assert.NotNull(connection);
        Assert.Equal("127.0.0.1:7102", connection.GatewayEndpoint);
        Assert.Equal("peer0.org2.example.com", connection.TlsServerName);
        Assert.Equal("/crypto/org2/cert.pem", connection.ClientCertFile);
        Assert.Equal(["roaming-emea", "eir"], connection.Channels.Select(c => c.Name));
        Assert.Equal(["example", "eir"], connection.Channels[1].Chaincodes);
    }

    [Fact]
    public void Explicit_settings_override_the_network_file_so_a_real_peer_uses_the_same_shape()
    {
        var file = WriteNetworkFile();

        var connection = FabricConnection.Resolve(
            new FabricOptions { NetworkFile = file, GatewayEndpoint = "peer0.org1.example.com:7051", TlsServerName = "peer0.org1.example.com" },
            "Org1MSP",
            _directory);

        Assert.NotNull(connection);
        Assert.Equal("peer0.org1.example.com:7051", connection.GatewayEndpoint);
        Assert.Equal(("peer0.org1.example.com", 7051), (connection.Host, connection.Port));
        Assert.Equal("/crypto/org1/key.pem", connection.ClientKeyFile);
    }

    [Fact]
    public void No_network_file_and_no_endpoint_means_no_connection()
    {
        Assert.Null(FabricConnection.Resolve(new FabricOptions { NetworkFile = Path.Combine(_directory, "absent.json") }, "Org1MSP", _directory));
    }

    [Fact]
    public void An_endpoint_without_identity_files_is_a_configuration_error_naming_the_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FabricConnection.Resolve(new FabricOptions { NetworkFile = null, GatewayEndpoint = "127.0.0.1:7051" }, "Org1MSP", _directory));

        Assert.Contains("ClientCertFile", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.Aborted)]
    public void A_chaincode_refusal_is_rejected_with_the_chaincodes_code_status_and_message(StatusCode code)
    {
        var details = new[] { new PeerErrorDetail("127.0.0.1:7101", "Org1MSP", "chaincode response 400, " + ChaincodeErrorCodes.Document("invalid-argument", "IMEI fails the Luhn check")) };
        var error = new EndorseException("Endorse failed", "tx1", new Status(code, "endorse failed"), details, null);

        var ledger = FabricLedger.Translate(error);

        Assert.NotNull(ledger);
        Assert.Equal(LedgerFailure.Rejected, ledger.Failure);
        Assert.Equal("tx1", ledger.TransactionId);
        Assert.Equal("invalid-argument", ledger.Code);
        Assert.Equal(new ChaincodeError(400, "invalid-argument", "IMEI fails the Luhn check"), ledger.Refusal);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "Unavailable", null)]
    [InlineData(StatusCode.Aborted, "Unavailable", null)]
    [InlineData(StatusCode.Unknown, "Unavailable", null)]
    [InlineData(StatusCode.FailedPrecondition, "Unavailable", null)]
    [InlineData(StatusCode.DeadlineExceeded, "Timeout", null)]
    [InlineData(StatusCode.PermissionDenied, "Rejected", "forbidden")]
    [InlineData(StatusCode.NotFound, "Rejected", "not-found")]
    [InlineData(StatusCode.InvalidArgument, "Rejected", "invalid-argument")]
    public void A_failure_no_chaincode_answered_is_classified_by_the_gateways_status(StatusCode code, string failure, string? expectedCode)
    {
        var error = new EvaluateException("Evaluate failed", "tx4", new Status(code, "evaluate failed"), [], null);

        var ledger = FabricLedger.Translate(error);

        Assert.NotNull(ledger);
        Assert.Equal(Enum.Parse<LedgerFailure>(failure), ledger.Failure);
        Assert.Equal(expectedCode, ledger.Code);
        Assert.Null(ledger.Refusal);
    }

    [Theory]
    [InlineData("chaincode response 500, error in simulation: failed to execute transaction: could not launch chaincode eir_1.0: connection refused")]
    [InlineData("error in simulation: could not connect to chaincode eir at 127.0.0.1:7202: Error connecting to subchannel.")]
    public void An_endorsement_no_peer_got_a_chaincode_answer_for_is_unavailable_not_rejected(string peerMessage)
    {
        var details = new[] { new PeerErrorDetail("127.0.0.1:7101", "Org1MSP", peerMessage), new PeerErrorDetail("127.0.0.1:7102", "Org2MSP", peerMessage) };
        var error = new EndorseException("Endorse failed", "tx2", new Status(StatusCode.Aborted, "failed to endorse transaction"), details, null);

        var ledger = FabricLedger.Translate(error);

        Assert.NotNull(ledger);
        Assert.Equal(LedgerFailure.Unavailable, ledger.Failure);
        Assert.Contains("chaincode eir", ledger.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endorsement_where_one_peer_got_the_chaincodes_refusal_stays_rejected()
    {
        var details = new[]
        {
            new PeerErrorDetail("127.0.0.1:7101", "Org1MSP", "chaincode response 403, " + ChaincodeErrorCodes.Document("forbidden", "The black entry is owned by Org1MSP")),
            new PeerErrorDetail("127.0.0.1:7102", "Org2MSP", "error in simulation: could not connect to chaincode eir"),
        };
        var error = new EndorseException("Endorse failed", "tx3", new Status(StatusCode.Aborted, "failed to endorse transaction"), details, null);

        var ledger = FabricLedger.Translate(error)!;

        Assert.Equal(LedgerFailure.Rejected, ledger.Failure);
        Assert.Equal("forbidden", ledger.Code);
        Assert.Equal("The black entry is owned by Org1MSP", ledger.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteNetworkFile()
    {
        var path = Path.Combine(_directory, "network.json");
        File.WriteAllText(path, """
        {
          "kind": "dev",
          "orgs": [
            { "mspId": "Org1MSP", "gatewayEndpoint": "127.0.0.1:7101", "tlsRootCertFile": "/crypto/org1/tlsca.pem", "tlsServerName": "peer0.org1.example.com",
              "clientCertFile": "/crypto/org1/cert.pem", "clientKeyFile": "/crypto/org1/key.pem" },
            { "mspId": "Org2MSP", "gatewayEndpoint": "127.0.0.1:7102", "tlsRootCertFile": "/crypto/org2/tlsca.pem", "tlsServerName": "peer0.org2.example.com",
              "clientCertFile": "/crypto/org2/cert.pem", "clientKeyFile": "/crypto/org2/key.pem", "extra": true }
          ],
          "channels": [
            { "name": "roaming-emea", "members": ["Org1MSP","Org2MSP","Org3MSP"], "chaincodes": ["example"] },
            { "name": "eir", "members": ["Org1MSP","Org2MSP","Org3MSP","RegulatorMSP"], "chaincodes": ["example","eir"] },
            { "name": "numbers", "members": ["Org1MSP","Org3MSP"], "chaincodes": ["example"] }
          ]
        }
        """);
        return path;
    }
}
