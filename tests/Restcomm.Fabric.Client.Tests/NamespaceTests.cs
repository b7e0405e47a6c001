using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

// Outside the client's namespace on purpose: names there would win over the usings and hide a clash.
namespace Restcomm.ClientConsumers;

/// <summary>
/// A program may import the client and the protocol namespaces together: nothing the client names clashes with a
/// protocol message (this file, which uses both unqualified, would not compile otherwise).
/// </summary>
public sealed class NamespaceTests
{
    [Fact]
    public void The_protocols_chaincode_event_and_the_clients_committed_event_are_told_apart_with_both_namespaces_imported()
    {
        var wire = new ChaincodeEvent { ChaincodeId = "eir", TxId = "tx1", EventName = "eir.changed" };
        var committed = new CommittedChaincodeEvent(7, wire.TxId, wire.ChaincodeId, wire.EventName, ReadOnlyMemory<byte>.Empty);
        var block = new Block { Header = new BlockHeader { Number = committed.BlockNumber } };

        Assert.Equal(TxValidationCode.Valid, default(TxValidationCode));
        Assert.Equal((wire.ChaincodeId, wire.EventName), (committed.ChaincodeName, committed.EventName));
        Assert.Equal(7UL, block.Header.Number);
    }
}
