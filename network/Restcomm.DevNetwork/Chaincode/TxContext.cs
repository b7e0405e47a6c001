using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Chaincode;

/// <summary>What the peer knows about one executing transaction: who asked, on which channel, with which simulator.</summary>
internal sealed class TxContext(ChannelDefinition channel, string txId, SignedProposal proposal, Identity creator, TxSimulator simulator)
{
    public ChannelDefinition Channel => channel;
    public string TxId => txId;
    public SignedProposal Proposal => proposal;
    public Identity Creator => creator;
    public TxSimulator Simulator => simulator;
    /// <summary>Open range/history iterators by id.</summary>
    public Dictionary<string, QueryIterator> Iterators { get; } = new(StringComparer.Ordinal);
    public Lock Sync { get; } = new();
}

/// <summary>The remaining results of a range or history query the chaincode iterates with QUERY_STATE_NEXT.</summary>
internal sealed class QueryIterator(string ns, string start, string end, bool recordRange, List<Google.Protobuf.ByteString> results, List<RangeEntry>? entries)
{
    public string Namespace => ns;
    public string Start => start;
    public string End => end;
    public bool RecordRange => recordRange;
    public List<Google.Protobuf.ByteString> Results => results;
    public List<RangeEntry>? Entries => entries;
    public int Position { get; set; }
    public bool Exhausted => Position >= results.Count;
}
