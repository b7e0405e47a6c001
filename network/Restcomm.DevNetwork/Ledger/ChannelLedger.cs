using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>
/// One channel: the ordering queue and block cutter, the validator (Fabric's validation codes) and the committer on
/// top of <see cref="ChannelStore"/>, and the notifications commit-status waiters and event streams wait on.
/// </summary>
internal sealed partial class ChannelLedger : IAsyncDisposable
{
    private readonly Msp _msp;
    private readonly BlockCuttingConfig _cutting;
    private readonly ILogger _logger;
    private readonly Channel<Accepted> _accepted = System.Threading.Channels.Channel.CreateUnbounded<Accepted>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(byte[] Envelope, long Seq)> _queue = System.Threading.Channels.Channel.CreateUnbounded<(byte[], long)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Code, ulong Block)>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTime Kept, TxPvtReadWriteSet Data)> _transient = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _cutter;
    private readonly Task _keeper;
    private TaskCompletionSource _blockSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChannelConfig _configured;
    private readonly ConfigUpdateValidator _validator;
    private readonly Lock _commitLock = new();
    private readonly HashSet<string> _formerMembers = new(StringComparer.Ordinal);
    private ChannelDefinition _definition;
    private Config _config;
    private ulong _lastConfigBlock;
    private byte[] _lastHash;
    private long _height;

    /// <summary>Opens (or starts) the channel's ledger. <paramref name="configured"/> is the channel as devnet.json describes it
    /// (its block 0 membership and its chaincodes); <paramref name="genesis"/> builds block 0's configuration for a new ledger.</summary>
    public ChannelLedger(ChannelConfig configured, Func<Config> genesis, ConfigUpdateValidator validator, string dataDir, Msp msp, BlockCuttingConfig cutting, ILogger logger)
    {
        _configured = configured;
        _validator = validator;
        _msp = msp;
        _cutting = cutting;
        _logger = logger;
        Store = new ChannelStore(Path.Combine(dataDir, configured.Name + ".sqlite"));
        var (height, lastHash) = Store.Tip();
        _height = (long)height;
        _lastHash = lastHash ?? [];
        if (height == 0)
        {
            _config = genesis();
            CommitGenesis(_config);
        }
        else
        {
            _config = LoadConfig(genesis);
        }
        _definition = Derive(_config);
        // Transactions accepted before the network stopped (or was killed) and not in a block yet are cut first.
        foreach (var pending in Store.Pending())
        {
            if (pending.Private is not null)
            {
                _transient[pending.TxId] = (DateTime.UtcNow, TxPvtReadWriteSet.Parser.ParseFrom(pending.Private));
            }
            _queue.Writer.TryWrite((pending.Envelope, pending.Seq));
        }
        _keeper = Task.Run(KeepAcceptedAsync);
        _cutter = Task.Run(CutBlocksAsync);
    }

    /// <summary>The channel as its current configuration makes it (membership, policies, collections); replaced by a config update.</summary>
    public ChannelDefinition Definition => Volatile.Read(ref _definition);

    /// <summary>The channel's current configuration (block <see cref="LastConfigBlock"/>).</summary>
    public Config Config => Volatile.Read(ref _config);

    /// <summary>The number of the block holding the current configuration.</summary>
    public ulong LastConfigBlock => Interlocked.Read(ref _lastConfigBlock);

    /// <summary>Raised after a config block commits, with the new definition.</summary>
    public event Action<ChannelDefinition>? ConfigCommitted;
    public ChannelStore Store { get; }
    public ulong Height => (ulong)Interlocked.Read(ref _height);

    /// <summary>Private data an endorsement produced, kept until the transaction commits (Fabric's transient store).</summary>
    public void KeepPrivateData(string txId, TxPvtReadWriteSet pvt) => _transient[txId] = (DateTime.UtcNow, pvt);

    private sealed record Accepted(byte[] Envelope, string TxId, TaskCompletionSource<bool> Kept);

    /// <summary>
    /// Accepts an envelope for ordering (already checked by the caller as the orderer would). Completes with true once
    /// the envelope (and the private data its endorsement left in the transient store) is on disk, so a process killed
    /// after the answer still cuts it into a block when it starts again; false when the network is stopping.
    /// Envelopes arriving together are kept in one SQLite transaction.
    /// </summary>
    public Task<bool> AcceptAsync(byte[] envelope, string txId)
    {
        var accepted = new Accepted(envelope, txId, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _accepted.Writer.TryWrite(accepted) ? accepted.Kept.Task : Task.FromResult(false);
    }

    private async Task KeepAcceptedAsync()
    {
        var reader = _accepted.Reader;
        var batch = new List<Accepted>();
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < 1000 && reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                try
                {
                    var seqs = Store.AddPending([.. batch.Select(a => (a.TxId, a.Envelope, _transient.TryGetValue(a.TxId, out var kept) ? kept.Data.ToByteArray() : null))]);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        _queue.Writer.TryWrite((batch[i].Envelope, seqs[i]));
                        batch[i].Kept.TrySetResult(true);
                    }
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
                {
                    LogKeepFailed(_logger, Definition.Name, e);
                    batch.ForEach(a => a.Kept.TrySetResult(false));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        batch.ForEach(a => a.Kept.TrySetResult(false));
        while (reader.TryRead(out var left))
        {
            left.Kept.TrySetResult(false);
        }
    }

    /// <summary>Completes when <paramref name="txId"/> is committed; returns its validation code and block.</summary>
    public async Task<(int Code, ulong Block)> WaitForCommitAsync(string txId, CancellationToken ct)
    {
        var tcs = _waiters.GetOrAdd(txId, _ => new TaskCompletionSource<(int, ulong)>(TaskCreationOptions.RunContinuationsAsynchronously));
        var committed = Store.GetTransaction(txId);
        if (committed is not null)
        {
            _waiters.TryRemove(txId, out _);
            return committed.Value;
        }
        return await tcs.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Completes when block <paramref name="number"/> exists.</summary>
    public async Task WaitForBlockAsync(ulong number, CancellationToken ct)
    {
        while (Height <= number)
        {
            var signal = Volatile.Read(ref _blockSignal);
            if (Height > number)
            {
                return;
            }
            await signal.Task.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public Block? GetBlock(ulong number)
    {
        var bytes = Store.GetBlock(number);
        return bytes is null ? null : Block.Parser.ParseFrom(bytes);
    }

    private void CommitGenesis(Config config)
    {
        var block = NewBlock(0, [], [ConfigTransaction(config, null).ToByteArray()], [(byte)TxValidationCode.Valid], 0);
        var update = new BlockUpdate { Number = 0, Hash = BlockHashing.HeaderHash(block.Header), BlockBytes = block.ToByteArray() };
        Store.Commit(update);
        _lastHash = update.Hash;
        Interlocked.Exchange(ref _height, 1);
    }

    /// <summary>
    /// A CONFIG envelope: the whole configuration and the update that produced it (none for block 0). The dev network has
    /// no orderer identity, so it carries no signature.
    /// </summary>
    private Envelope ConfigTransaction(Config config, Envelope? lastUpdate)
    {
        var header = new ChannelHeader { Type = (int)HeaderType.Config, ChannelId = _configured.Name, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) };
        var data = new ConfigEnvelope { Config = config };
        if (lastUpdate is not null)
        {
            data.LastUpdate = lastUpdate;
        }
        var payload = new Payload { Header = new Header { ChannelHeader = header.ToByteString() }, Data = data.ToByteString() };
        return new Envelope { Payload = payload.ToByteString() };
    }

    /// <summary>
    /// The configuration of the last config block (the tip's LAST_CONFIG), and the former members: organisations that
    /// wrote in an earlier configuration and are gone, found by following each config block's predecessor back to block 0.
    /// A ledger written before block 0 carried a configuration takes the one devnet.json gives.
    /// </summary>
    private Config LoadConfig(Func<Config> genesis)
    {
        var tip = GetBlock(Height - 1)!;
        var index = ChannelConfiguration.LastConfigIndex(tip);
        var current = ChannelConfiguration.ReadConfigBlock(GetBlock(index)!)?.Config;
        if (current is null)
        {
            return genesis();
        }
        _lastConfigBlock = index;
        var (members, _) = ChannelGenesis.Membership(current);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var at = index; ;)
        {
            var config = ChannelConfiguration.ReadConfigBlock(GetBlock(at)!)?.Config;
            if (config is not null)
            {
                seen.UnionWith(ChannelGenesis.Membership(config).Members);
            }
            if (at == 0)
            {
                break;
            }
            at = ChannelConfiguration.LastConfigIndex(GetBlock(at - 1)!);
        }
        _formerMembers.UnionWith(seen.Except(members));
        return current;
    }

    private ChannelDefinition Derive(Config config)
    {
        var (members, readers) = ChannelGenesis.Membership(config);
        return new ChannelDefinition(_configured.WithMembership(members, readers, _formerMembers));
    }

    /// <summary>
    /// Applies a CONFIG_UPDATE as the orderer does: the envelope's signer must satisfy <c>/Channel/Writers</c>, then the
    /// update is validated (<see cref="ConfigUpdateValidator"/>) and, accepted, cut into a block of its own carrying the
    /// new configuration (sequence + 1) that every later block's LAST_CONFIG names. The membership, policies and
    /// collections change with it. Refused, it throws <see cref="ConfigUpdateRefusedException"/> and nothing changes.
    /// </summary>
    public ulong ApplyConfigUpdate(Envelope envelope)
    {
        lock (_commitLock)
        {
            var current = Config;
            Identity? submitter;
            try
            {
                var payload = Payload.Parser.ParseFrom(envelope.Payload);
                submitter = _msp.Deserialize(SignatureHeader.Parser.ParseFrom(payload.Header?.SignatureHeader ?? ByteString.Empty).Creator);
            }
            catch (InvalidProtocolBufferException)
            {
                submitter = null;
            }
            // The orderer's first check on a CONFIG_UPDATE (its SigFilter): the envelope's signer is a channel writer.
            if (submitter is null || !submitter.Verify(envelope.Payload.Span, envelope.Signature.Span)
                || ConfigPolicies.Evaluate(current.ChannelGroup, "Writers", [submitter.AsSigner]) is not null)
            {
                throw new ConfigUpdateRefusedException("implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied", Status.Forbidden);
            }
            var proposed = _validator.Apply(current, _configured.Name, envelope);
            var (members, _) = ChannelGenesis.Membership(proposed);
            var before = ChannelGenesis.Membership(current).Members;
            _formerMembers.UnionWith(before.Except(members));
            _formerMembers.ExceptWith(members);
            var definition = Derive(proposed);

            var number = Height;
            var block = NewBlock(number, _lastHash, [ConfigTransaction(proposed, envelope).ToByteArray()], [(byte)TxValidationCode.Valid], number);
            var hash = BlockHashing.HeaderHash(block.Header);
            Store.Commit(new BlockUpdate { Number = number, Hash = hash, BlockBytes = block.ToByteArray() });
            _lastHash = hash;
            Interlocked.Exchange(ref _lastConfigBlock, number);
            Volatile.Write(ref _config, proposed);
            Volatile.Write(ref _definition, definition);
            Interlocked.Exchange(ref _height, (long)number + 1);
            LogConfigCommitted(_logger, _configured.Name, number, proposed.Sequence, string.Join(", ", definition.Orgs));
            var previous = Interlocked.Exchange(ref _blockSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            previous.TrySetResult();
            ConfigCommitted?.Invoke(definition);
            return number;
        }
    }

    private static Block NewBlock(ulong number, byte[] previousHash, List<byte[]> envelopes, byte[] filter, ulong lastConfig)
    {
        var data = new BlockData();
        foreach (var e in envelopes)
        {
            data.Data.Add(UnsafeByteOperations.UnsafeWrap(e)); // the accepted envelopes are never changed
        }
        var block = new Block
        {
            Header = new BlockHeader { Number = number, PreviousHash = ByteString.CopyFrom(previousHash), DataHash = ByteString.CopyFrom(BlockHashing.DataHash(data)) },
            Data = data,
            Metadata = new BlockMetadata(),
        };
        // SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH — as a Fabric 2.x peer stores them.
        var ordererMeta = new OrdererBlockMetadata { LastConfig = new LastConfig { Index = lastConfig } };
        block.Metadata.Metadata.Add(new Metadata { Value = ordererMeta.ToByteString() }.ToByteString());
        block.Metadata.Metadata.Add(new Metadata { Value = new LastConfig { Index = lastConfig }.ToByteString() }.ToByteString());
        block.Metadata.Metadata.Add(ByteString.CopyFrom(filter));
        block.Metadata.Metadata.Add(ByteString.Empty);
        block.Metadata.Metadata.Add(ByteString.Empty);
        return block;
    }

    private async Task CutBlocksAsync()
    {
        var reader = _queue.Reader;
        var ct = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var batch = new List<byte[]>();
                var through = 0L;
                var deadline = DateTime.UtcNow.AddMilliseconds(_cutting.TimeoutMs);
                while (batch.Count < _cutting.MaxTransactions)
                {
                    if (reader.TryRead(out var next))
                    {
                        batch.Add(next.Envelope);
                        through = Math.Max(through, next.Seq);
                        continue;
                    }
                    var remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero)
                    {
                        break;
                    }
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(remaining);
                    try
                    {
                        if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        break;
                    }
                }
                if (batch.Count > 0)
                {
                    try
                    {
                        lock (_commitLock)
                        {
                            CommitBlock(batch, through);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogCommitFailed(_logger, Definition.Name, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private sealed class ParsedTx
    {
        public int Code { get; set; } = (int)TxValidationCode.Valid;

        /// <summary>What the validation dispatcher found, which a peer only looks at once the duplicate check passed.</summary>
        public int DispatchCode { get; set; } = (int)TxValidationCode.Valid;
        public string TxId { get; set; } = "";
        public long TimestampTicks { get; set; }
        public string Chaincode { get; set; } = "";
        public TxReadWriteSet? Rwset { get; set; }

        /// <summary>The namespaces validated (invoked chaincode and every one written) and, per namespace, why its
        /// endorsements fall short of committed state's policies (null = satisfied).</summary>
        public List<(NamespaceWrites Writes, string? Failure)> Namespaces { get; } = [];

        /// <summary>Per namespace, whether endorsement validation passed once same-block dependencies were applied.</summary>
        public Dictionary<string, bool> Passed { get; } = new(StringComparer.Ordinal);
    }

    private sealed class BlockState
    {
        public Dictionary<(string Ns, string Key), KeyVersion> Public { get; } = [];
        public Dictionary<(string Ns, string Coll, string KeyHash), KeyVersion> Hashed { get; } = [];

        /// <summary>Whether keys written earlier in the block exist after those writes.</summary>
        public Dictionary<(string Ns, string Key), bool> PublicExists { get; } = [];
        public Dictionary<(string Ns, string Coll, string KeyHash), bool> HashedExists { get; } = [];

        /// <summary>Keys whose metadata earlier transactions of the block write, with those transactions.</summary>
        public Dictionary<LedgerKey, List<ParsedTx>> MetadataWriters { get; } = [];
        public HashSet<string> TxIds { get; } = new(StringComparer.Ordinal);
    }

    private void CommitBlock(List<byte[]> envelopes, long pendingThrough)
    {
        var number = Height;
        var parsed = new ParsedTx[envelopes.Count];
        // Checks against the envelope and committed state (structure, signatures, endorsement policies) in parallel, as
        // Fabric's validator does; the same-block key-level policy dependencies are resolved in order below.
        Parallel.For(0, envelopes.Count, i => parsed[i] = CheckStateless(envelopes[i]));

        var state = new BlockState();
        var update = new BlockUpdate { Number = number, Hash = [], BlockBytes = [] };
        var filter = new byte[envelopes.Count];
        for (var i = 0; i < parsed.Length; i++)
        {
            var tx = parsed[i];
            var txNum = (ulong)i;
            if (tx.Code == (int)TxValidationCode.Valid && tx.TxId.Length > 0 && (state.TxIds.Contains(tx.TxId) || Store.TransactionExists(tx.TxId)))
            {
                tx.Code = (int)TxValidationCode.DuplicateTxid;
            }
            if (tx.Code == (int)TxValidationCode.Valid)
            {
                tx.Code = tx.DispatchCode;
            }
            if (tx.Code == (int)TxValidationCode.Valid)
            {
                tx.Code = CheckEndorsements(tx, state);
            }
            if (tx.Code == (int)TxValidationCode.Valid)
            {
                tx.Code = CheckMvcc(tx.Rwset!, state);
            }
            if (tx.Code == (int)TxValidationCode.Valid)
            {
                Apply(tx, number, txNum, state, update);
            }
            filter[i] = (byte)tx.Code;
            if (tx.TxId.Length > 0 && state.TxIds.Add(tx.TxId))
            {
                update.Transactions.Add((tx.TxId, txNum, tx.Code));
            }
        }

        var block = NewBlock(number, _lastHash, envelopes, filter, LastConfigBlock);
        var hash = BlockHashing.HeaderHash(block.Header);
        var final = new BlockUpdate { Number = number, Hash = hash, BlockBytes = block.ToByteArray(), PendingThrough = pendingThrough };
        final.Transactions.AddRange(update.Transactions);
        final.State.AddRange(update.State);
        final.Hashed.AddRange(update.Hashed);
        final.Private.AddRange(update.Private);
        final.History.AddRange(update.History);
        final.PrivateRwsets.AddRange(update.PrivateRwsets);
        final.Purges.AddRange(update.Purges);
        final.Expiries.AddRange(update.Expiries);
        Store.Commit(final);
        _lastHash = hash;
        Interlocked.Exchange(ref _height, (long)number + 1);
        LogBlockCommitted(_logger, Definition.Name, number, envelopes.Count);

        foreach (var (txId, _, code) in update.Transactions)
        {
            _transient.TryRemove(txId, out _);
            if (_waiters.TryRemove(txId, out var waiter))
            {
                waiter.TrySetResult((code, number));
            }
        }
        // Endorsed transactions that were never submitted: forget their private data after a while, as Fabric's
        // transient store does after its block-to-live.
        var expiry = DateTime.UtcNow - TimeSpan.FromMinutes(10);
        foreach (var (txId, entry) in _transient)
        {
            if (entry.Kept < expiry)
            {
                _transient.TryRemove(txId, out _);
            }
        }
        var previous = Interlocked.Exchange(ref _blockSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    /// <summary>
    /// The checks that need no other transaction of the block, in the order and with the codes of a Fabric 2.5 peer:
    /// <c>ValidateTransaction</c> (core/common/validation/msgvalidation.go: payload, common header, creator signature,
    /// transaction ID, then the endorser transaction's layers and proposal hash, all INVALID_ENDORSER_TRANSACTION), the
    /// channel, and what the validation dispatcher checks after the duplicate check
    /// (core/committer/txvalidator/v20/plugindispatcher: header extension, chaincode action, read/write set, chaincode
    /// names and version, event, namespaces), kept in <see cref="ParsedTx.DispatchCode"/>.
    /// </summary>
    private ParsedTx CheckStateless(byte[] envelopeBytes)
    {
        var tx = new ParsedTx();
        try
        {
            if (envelopeBytes.Length == 0)
            {
                tx.Code = (int)TxValidationCode.NilEnvelope;
                return tx;
            }
            var envelope = TransactionEnvelope.Read(UnsafeByteOperations.UnsafeWrap(envelopeBytes)); // read only, never changed
            var env = envelope.Envelope;
            var ch = envelope.ChannelHeader;
            var sh = envelope.SignatureHeader;
            tx.TxId = ch.TxId;
            tx.TimestampTicks = ch.Timestamp?.ToDateTime().Ticks ?? DateTime.UtcNow.Ticks;
            if (ch.Type is not ((int)HeaderType.EndorserTransaction) and not ((int)HeaderType.Config) and not ((int)HeaderType.ConfigUpdate)
                || ch.Epoch != 0 || sh.Nonce.IsEmpty || sh.Creator.IsEmpty)
            {
                tx.Code = (int)TxValidationCode.BadCommonHeader;
                return tx;
            }
            var creator = _msp.Deserialize(sh.Creator);
            if (creator is null || !creator.Verify(env.Payload.Span, env.Signature.Span))
            {
                tx.Code = (int)TxValidationCode.BadCreatorSignature;
                return tx;
            }
            if (ch.Type == (int)HeaderType.ConfigUpdate)
            {
                tx.Code = (int)TxValidationCode.UnsupportedTxPayload;
                return tx;
            }
            if (!envelope.IsEndorserTransaction)
            {
                // A channel configuration: the dev network has none to update.
                tx.Code = (int)TxValidationCode.UnknownTxType;
                return tx;
            }
            if (ch.TxId != TxIds.Compute(sh.Nonce, sh.Creator))
            {
                tx.Code = (int)TxValidationCode.BadProposalTxid;
                return tx;
            }
            if (envelope.Actions.Count != 1)
            {
                tx.Code = (int)TxValidationCode.InvalidEndorserTransaction;
                return tx;
            }
            var endorsed = envelope.Actions[0];
            // The endorsed response must belong to this transaction's proposal: the hash covers the channel header, the
            // action's signature header and the proposal payload (arguments) the transaction carries.
            var actionHeader = endorsed.SignatureHeader;
            if (actionHeader.Nonce.IsEmpty || actionHeader.Creator.IsEmpty)
            {
                tx.Code = (int)TxValidationCode.InvalidEndorserTransaction;
                return tx;
            }
            var expectedHash = ProposalHashing.Compute(envelope.Payload.Header.ChannelHeader, endorsed.Header, endorsed.ChaincodeProposalPayload);
            if (!endorsed.ResponsePayload.ProposalHash.Span.SequenceEqual(expectedHash))
            {
                tx.Code = (int)TxValidationCode.InvalidEndorserTransaction;
                return tx;
            }
            if (ch.ChannelId != Definition.Name)
            {
                tx.Code = (int)TxValidationCode.TargetChainNotFound;
                return tx;
            }
            tx.DispatchCode = (int)Dispatch(tx, envelope, endorsed);
            return tx;
        }
        catch (MalformedTransactionException e)
        {
            tx.Code = (int)e.Code;
            return tx;
        }
    }

    /// <summary>The validation dispatcher's checks and the endorsement rules of every namespace validated.</summary>
    private TxValidationCode Dispatch(ParsedTx tx, TransactionEnvelope envelope, EndorsedAction endorsed)
    {
        try
        {
            var ext = envelope.HeaderExtension;
            var action = endorsed.ChaincodeAction;
            tx.Rwset = endorsed.ReadWriteSet;
            if (ext.ChaincodeId is null || action.ChaincodeId is null)
            {
                return TxValidationCode.InvalidOtherReason;
            }
            tx.Chaincode = ext.ChaincodeId.Name;
            if (tx.Chaincode.Length == 0 || tx.Chaincode != action.ChaincodeId.Name || action.ChaincodeId.Version.Length == 0)
            {
                return TxValidationCode.InvalidChaincode;
            }
            if (endorsed.Event is { } ev && ev.ChaincodeId != tx.Chaincode)
            {
                return TxValidationCode.InvalidOtherReason;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ns in tx.Rwset.NsRwset)
            {
                if (!seen.Add(ns.Namespace))
                {
                    return TxValidationCode.IllegalWriteset;
                }
            }
            var written = EndorsementRules.WrittenNamespaces(tx.Chaincode, tx.Rwset);
            if (written.Any(w => !Definition.Chaincodes.ContainsKey(w.Namespace)))
            {
                return TxValidationCode.InvalidChaincode;
            }

            var signers = new List<Signer>();
            var endorsedBytes = endorsed.ProposalResponsePayloadBytes;
            foreach (var e in endorsed.Endorsements)
            {
                var endorser = _msp.Deserialize(e.Endorser);
                if (endorser is null)
                {
                    continue;
                }
                var signed = new byte[endorsedBytes.Length + e.Endorser.Length];
                endorsedBytes.Span.CopyTo(signed);
                e.Endorser.Span.CopyTo(signed.AsSpan(endorsedBytes.Length));
                if (endorser.Verify(signed, e.Signature.Span))
                {
                    signers.Add(endorser.AsSigner);
                }
            }
            foreach (var writes in written)
            {
                tx.Namespaces.Add((writes, EndorsementRules.Check(Definition, Store, writes, signers)));
            }
            return TxValidationCode.Valid;
        }
        catch (MalformedTransactionException e)
        {
            return e.Code;
        }
        catch (InvalidProtocolBufferException)
        {
            // A namespace's read/write set (read by the endorsement rules) is unreadable.
            return TxValidationCode.BadRwset;
        }
    }

    /// <summary>
    /// Applies the endorsement results in block order. Like Fabric's key-level validation parameter manager, a
    /// transaction writing a key whose metadata an earlier transaction of the same block changed, and whose validation
    /// of that namespace passed, fails: the policy it was endorsed for may no longer be the key's.
    /// </summary>
    private int CheckEndorsements(ParsedTx tx, BlockState state)
    {
        var valid = true;
        foreach (var (writes, failure) in tx.Namespaces)
        {
            var reason = failure;
            if (reason is null)
            {
                foreach (var key in writes.Keys)
                {
                    if (state.MetadataWriters.TryGetValue(key, out var writers) && writers.Any(w => w.Passed.GetValueOrDefault(key.Namespace)))
                    {
                        reason = $"validation parameter for key {key.Key} (coll'{key.Collection}':ns'{key.Namespace}') has been changed by an earlier transaction in this block";
                        break;
                    }
                }
            }
            tx.Passed[writes.Namespace] = reason is null;
            if (reason is not null)
            {
                valid = false;
                LogEndorsementPolicyFailure(_logger, tx.TxId, writes.Namespace, reason);
            }
        }
        foreach (var (writes, _) in tx.Namespaces)
        {
            foreach (var key in writes.MetadataKeys)
            {
                if (!state.MetadataWriters.TryGetValue(key, out var writers))
                {
                    state.MetadataWriters[key] = writers = [];
                }
                writers.Add(tx);
            }
        }
        return valid ? (int)TxValidationCode.Valid : (int)TxValidationCode.EndorsementPolicyFailure;
    }

    private KeyVersion? CurrentVersion(string ns, string key, BlockState state, out bool updatedInBlock)
    {
        updatedInBlock = state.Public.ContainsKey((ns, key));
        return Store.GetState(ns, key)?.Version;
    }

    private int CheckMvcc(TxReadWriteSet rwset, BlockState state)
    {
        foreach (var ns in rwset.NsRwset)
        {
            var kv = KVRWSet.Parser.ParseFrom(ns.Rwset);
            foreach (var read in kv.Reads)
            {
                var current = CurrentVersion(ns.Namespace, read.Key, state, out var updated);
                if (updated || !SameVersion(read.Version, current))
                {
                    return (int)TxValidationCode.MvccReadConflict;
                }
            }
            foreach (var range in kv.RangeQueriesInfo)
            {
                if (PhantomRead(ns.Namespace, range, state))
                {
                    return (int)TxValidationCode.PhantomReadConflict;
                }
            }
            foreach (var coll in ns.CollectionHashedRwset)
            {
                var hashed = HashedRWSet.Parser.ParseFrom(coll.HashedRwset);
                foreach (var read in hashed.HashedReads)
                {
                    var keyHashHex = Convert.ToHexString(read.KeyHash.Span);
                    if (state.Hashed.ContainsKey((ns.Namespace, coll.CollectionName, keyHashHex)))
                    {
                        return (int)TxValidationCode.MvccReadConflict;
                    }
                    var current = Store.GetHashed(ns.Namespace, coll.CollectionName, read.KeyHash.ToByteArray())?.Version;
                    if (!SameVersion(read.Version, current))
                    {
                        return (int)TxValidationCode.MvccReadConflict;
                    }
                }
            }
        }
        return (int)TxValidationCode.Valid;
    }

    private static bool SameVersion(Restcomm.Fabric.Protos.Ledger.KvRwset.Version? read, KeyVersion? current) =>
        read is null ? current is null : current is not null && current.Value.Block == read.BlockNum && current.Value.TxNum == read.TxNum;

    /// <summary>Re-runs the range: any key added, removed or changed since simulation is a phantom read.</summary>
    private bool PhantomRead(string ns, RangeQueryInfo range, BlockState state)
    {
        var reads = range.RawReads?.KvReads ?? [];
        string end;
        bool inclusiveEnd;
        if (range.ItrExhausted || reads.Count == 0)
        {
            end = range.EndKey;
            inclusiveEnd = false;
        }
        else
        {
            end = reads[^1].Key;
            inclusiveEnd = true;
        }
        foreach (var (k, _) in state.Public.Keys.Where(k => k.Ns == ns).Select(k => (k.Key, 0)))
        {
            if (InRange(k, range.StartKey, end, inclusiveEnd))
            {
                return true;
            }
        }
        var fetchEnd = inclusiveEnd ? end + "\u0000" : end;
        var current = Store.GetRange(ns, range.StartKey, fetchEnd, reads.Count + 1);
        if (current.Count != reads.Count)
        {
            return true;
        }
        for (var i = 0; i < reads.Count; i++)
        {
            if (current[i].Key != reads[i].Key || !SameVersion(reads[i].Version, current[i].Version))
            {
                return true;
            }
        }
        return false;
    }

    private static bool InRange(string key, string start, string end, bool inclusiveEnd)
    {
        if (string.CompareOrdinal(key, start) < 0)
        {
            return false;
        }
        if (end.Length == 0)
        {
            return true;
        }
        var c = string.CompareOrdinal(key, end);
        return inclusiveEnd ? c <= 0 : c < 0;
    }

    private void Apply(ParsedTx tx, ulong block, ulong txNum, BlockState state, BlockUpdate update)
    {
        var version = new KeyVersion(block, txNum);
        var pvt = _transient.TryGetValue(tx.TxId, out var kept) ? kept.Data : null;
        foreach (var ns in tx.Rwset!.NsRwset)
        {
            var kv = KVRWSet.Parser.ParseFrom(ns.Rwset);
            foreach (var w in kv.Writes)
            {
                var value = w.IsDelete ? null : w.Value.ToByteArray();
                state.Public[(ns.Namespace, w.Key)] = version;
                state.PublicExists[(ns.Namespace, w.Key)] = !w.IsDelete;
                update.State.Add((new StateWrite(ns.Namespace, w.Key, value, null, false), txNum));
                update.History.Add(new HistoryWrite(ns.Namespace, w.Key, txNum, tx.TxId, value, tx.TimestampTicks));
            }
            foreach (var mw in kv.MetadataWrites)
            {
                // Fabric's committer ignores metadata written to a key that does not exist (after this transaction's
                // own writes); otherwise the key keeps its value and takes the new metadata and version.
                var exists = state.PublicExists.TryGetValue((ns.Namespace, mw.Key), out var known) ? known : Store.GetState(ns.Namespace, mw.Key) is not null;
                if (!exists)
                {
                    continue;
                }
                state.Public[(ns.Namespace, mw.Key)] = version;
                update.State.Add((new StateWrite(ns.Namespace, mw.Key, null, SerializeMetadata(mw.Entries), true), txNum));
            }
            var cc = Definition.Chaincodes.GetValueOrDefault(ns.Namespace);
            foreach (var coll in ns.CollectionHashedRwset)
            {
                var hashed = HashedRWSet.Parser.ParseFrom(coll.HashedRwset);
                foreach (var w in hashed.HashedWrites)
                {
                    var hex = Convert.ToHexString(w.KeyHash.Span);
                    state.Hashed[(ns.Namespace, coll.CollectionName, hex)] = version;
                    state.HashedExists[(ns.Namespace, coll.CollectionName, hex)] = !w.IsDelete;
                    update.Hashed.Add((new HashedWrite(ns.Namespace, coll.CollectionName, w.KeyHash.ToByteArray(), w.IsDelete ? null : w.ValueHash.ToByteArray()), txNum));
                    if (w.IsPurge)
                    {
                        update.Purges.Add(new PrivatePurge(ns.Namespace, coll.CollectionName, w.KeyHash.ToByteArray()));
                    }
                }
                var metadataApplied = new HashSet<string>(StringComparer.Ordinal);
                foreach (var mw in hashed.MetadataWrites)
                {
                    var hex = Convert.ToHexString(mw.KeyHash.Span);
                    var exists = state.HashedExists.TryGetValue((ns.Namespace, coll.CollectionName, hex), out var known)
                        ? known
                        : Store.GetHashed(ns.Namespace, coll.CollectionName, mw.KeyHash.ToByteArray()) is not null;
                    if (!exists)
                    {
                        continue;
                    }
                    metadataApplied.Add(hex);
                    state.Hashed[(ns.Namespace, coll.CollectionName, hex)] = version;
                    update.Hashed.Add((new HashedWrite(ns.Namespace, coll.CollectionName, mw.KeyHash.ToByteArray(), null, SerializeMetadata(mw.Entries), true), txNum));
                }
                if (hashed.HashedWrites.Count == 0 && hashed.MetadataWrites.Count == 0)
                {
                    continue;
                }
                var pvtColl = pvt?.NsPvtRwset.FirstOrDefault(n => n.Namespace == ns.Namespace)?.CollectionPvtRwset.FirstOrDefault(c => c.CollectionName == coll.CollectionName);
                if (pvtColl is null || !SHA256.HashData(pvtColl.Rwset.Span).AsSpan().SequenceEqual(coll.PvtRwsetHash.Span))
                {
                    LogMissingPrivateData(_logger, tx.TxId, ns.Namespace, coll.CollectionName);
                    continue;
                }
                update.PrivateRwsets.Add(new PrivateRwsetRecord(txNum, ns.Namespace, coll.CollectionName, pvtColl.Rwset.ToByteArray()));
                var members = cc?.Collection(coll.CollectionName)?.Members ?? [];
                var pvtKv = KVRWSet.Parser.ParseFrom(pvtColl.Rwset);
                if (cc?.Collection(coll.CollectionName)?.BlockToLive is > 0 and var btl)
                {
                    foreach (var w in pvtKv.Writes.Where(w => !w.IsDelete))
                    {
                        update.Expiries.Add(new PrivateExpiry(block + btl + 1, ns.Namespace, coll.CollectionName, TxSimulator.HashKey(w.Key), w.Key));
                    }
                }
                foreach (var org in members)
                {
                    foreach (var w in pvtKv.Writes)
                    {
                        update.Private.Add((new PrivateWrite(org, ns.Namespace, coll.CollectionName, w.Key, w.IsDelete ? null : w.Value.ToByteArray()), txNum));
                    }
                    foreach (var mw in pvtKv.MetadataWrites)
                    {
                        if (metadataApplied.Contains(Convert.ToHexString(TxSimulator.HashKey(mw.Key))))
                        {
                            update.Private.Add((new PrivateWrite(org, ns.Namespace, coll.CollectionName, mw.Key, null, SerializeMetadata(mw.Entries), true), txNum));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Metadata as the store keeps it (a <c>StateMetadataResult</c>); null when the write clears it.</summary>
    private static byte[]? SerializeMetadata(IEnumerable<KVMetadataEntry> entries)
    {
        var result = new StateMetadataResult();
        result.Entries.AddRange(entries.Select(e => new StateMetadata { Metakey = e.Name, Value = e.Value }));
        return result.Entries.Count == 0 ? null : result.ToByteArray();
    }

    public async ValueTask DisposeAsync()
    {
        _accepted.Writer.TryComplete();
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _keeper.ConfigureAwait(false);
        try
        {
            await _cutter.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var w in _waiters.Values)
        {
            w.TrySetCanceled();
        }
        Store.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Channel {Channel}: config block {Number} commits configuration sequence {Sequence}; organisations {Orgs}")]
    private static partial void LogConfigCommitted(ILogger logger, string channel, ulong number, ulong sequence, string orgs);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Channel {Channel}: committed block {Number} with {Count} transactions")]
    private static partial void LogBlockCommitted(ILogger logger, string channel, ulong number, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Channel {Channel}: block commit failed")]
    private static partial void LogCommitFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "Channel {Channel}: accepted transactions could not be kept")]
    private static partial void LogKeepFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Transaction {TxId}: private data for {Namespace}/{Collection} is missing; only hashes are committed")]
    private static partial void LogMissingPrivateData(ILogger logger, string txId, string @namespace, string collection);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Transaction {TxId}: endorsement policy failure in namespace {Namespace}: {Reason}")]
    private static partial void LogEndorsementPolicyFailure(ILogger logger, string txId, string @namespace, string reason);
}
