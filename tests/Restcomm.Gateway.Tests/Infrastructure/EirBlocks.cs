using System.Text.Json;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// A reproducible history of the <c>eir</c> channel: blocks of transactions that report, update and clear entries
/// (with their <c>eir.changed</c> events), plus empty blocks, invalid transactions and other chaincodes' transactions,
/// which must change nothing.
/// </summary>
public static class EirBlocks
{
    public const string Channel = "eir";

    public static IReadOnlyList<LedgerBlock> Generate(int seed, int blocks, int startBlock = 0)
    {
        var random = new Random(seed);
        var live = new List<EirEntry>();
        var result = new List<LedgerBlock>(blocks);
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var b = startBlock; b < startBlock + blocks; b++)
        {
            var builder = new BlockBuilder(Channel, (ulong)b);
            var transactions = b == 0 ? 0 : random.Next(0, 5);
            for (var t = 0; t < transactions; t++)
            {
                var txId = $"eir-{seed}-{b:D5}-{t}";
                at = at.AddSeconds(1);
                var roll = random.Next(10);
                if (roll == 0)
                {
                    builder.AddTransaction(txId, "example", "AssetCreated", [1, 2, 3]);
                    continue;
                }

                var changes = Changes(random, live, txId, at, out var applied);
                var code = roll == 1 ? TxValidationCode.MvccReadConflict : TxValidationCode.Valid;
                if (code == TxValidationCode.Valid)
                {
                    applied();
                }

                var set = new EirChangeSet { TxId = txId, Changes = changes };
                builder.AddTransaction(txId, "eir", EirChangeSet.EventName, JsonSerializer.SerializeToUtf8Bytes(set, EirJson.Options), code);
            }

            if (b > 0 && random.Next(8) == 0)
            {
                builder.AddMalformed();
            }

            result.Add(builder.Read());
        }

        return result;
    }

    /// <summary>The entries the valid transactions of <paramref name="blocks"/> leave, by ID.</summary>
    public static IReadOnlyDictionary<string, EirEntry> Expected(IEnumerable<LedgerBlock> blocks)
    {
        var entries = new Dictionary<string, EirEntry>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            foreach (var change in Restcomm.Gateway.Api.Eir.EirProjection.Changes(block))
            {
                if (change.Kind == EirChangeKind.Cleared)
                {
                    entries.Remove(change.Entry.Id);
                }
                else
                {
                    entries[change.Entry.Id] = change.Entry;
                }
            }
        }

        return entries;
    }

    private static List<EirChange> Changes(Random random, List<EirEntry> live, string txId, DateTimeOffset at, out Action applied)
    {
        var changes = new List<EirChange>();
        var added = new List<EirEntry>();
        var removed = new List<EirEntry>();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var owner = $"Org{random.Next(1, 4)}MSP";
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var entry = live[random.Next(live.Count)];
                if (removed.Contains(entry))
                {
                    continue;
                }

                if (random.Next(2) == 0)
                {
                    removed.Add(entry);
                    changes.Add(new EirChange { Kind = EirChangeKind.Cleared, Entry = entry, By = entry.Owner, TxId = txId, At = at, Note = "recovered" });
                }
                else
                {
                    var updated = entry with { Note = $"update {txId}", UpdatedAt = at, TxId = txId };
                    removed.Add(entry);
                    added.Add(updated);
                    changes.Add(new EirChange { Kind = EirChangeKind.Updated, Entry = updated, By = entry.Owner, TxId = txId, At = at });
                }

                continue;
            }

            var imei = Imei.FromParts(Tac.Parse("35" + random.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture)), random.Next(0, 999_999));
            var reported = new EirEntry
            {
                Target = EirTarget.ForImei(imei),
                List = EirList.Black,
                Owner = owner,
                Reason = ReasonCode.Stolen,
                ReportedAt = at,
                UpdatedAt = at,
                UpdatedBy = owner,
                TxId = txId,
            };
            if (live.Any(e => e.Id == reported.Id) || added.Any(e => e.Id == reported.Id))
            {
                continue;
            }

            added.Add(reported);
            changes.Add(new EirChange { Kind = EirChangeKind.Reported, Entry = reported, By = owner, TxId = txId, At = at });
        }

        applied = () =>
        {
            live.RemoveAll(removed.Contains);
            live.AddRange(added);
        };
        return changes;
    }
}
