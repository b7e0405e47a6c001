using Restcomm.Fabric.Ledger;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>
/// An application's projection that publishes what it applies as a change feed (<c>GET /v1/{application}/changes</c>, its
/// server-sent event stream and webhooks). The <see cref="ProjectionEngine"/> writes <see cref="FeedChanges"/> of each
/// block to the store's <see cref="Feeds.ChangeFeedStore">change feed</see> in the transaction that applies the block,
/// so the feed holds exactly what the read model holds. A rebuild writes nothing twice: changes already in the feed
/// keep their sequence.
/// </summary>
public interface IChangeFeedSource
{
    /// <summary>The application whose feed the changes join (<c>eir</c>, <c>roaming</c>…): lowercase, a URL segment.</summary>
    string Application { get; }

    /// <summary>The changes a block brings, in ledger order (several per transaction allowed).</summary>
    /// <param name="channel">The channel the block belongs to.</param>
    /// <param name="block">The block being applied.</param>
    /// <returns>The changes; each payload a JSON object.</returns>
    IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block);
}

/// <summary>One change of an application, as its change feed publishes it.</summary>
/// <param name="TransactionId">The valid transaction that made it.</param>
/// <param name="Kind">What happened, e.g. <c>reported</c>, <c>agreement.accepted</c>.</param>
/// <param name="Key">What changed, e.g. an entry ID or <c>agreementId/period</c>.</param>
/// <param name="PayloadJson">The changed thing after the change, as a JSON object.</param>
public sealed record FeedChange(string TransactionId, string Kind, string Key, string PayloadJson);
