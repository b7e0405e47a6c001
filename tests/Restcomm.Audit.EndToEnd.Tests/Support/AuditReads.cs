using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>What the audit channel holds, read the ways a regulator reads it: through its API's generic ledger evaluate
/// (the audit chaincode's own <c>ListAnchors</c> on its peer), its read model, and the verification endpoint.</summary>
internal static class AuditReads
{
    /// <summary>The anchors of a source channel as the audit chaincode holds them on the ledger, in key order.</summary>
    public static async Task<List<AuditAnchor>> LedgerAnchorsAsync(HttpClient client, string sourceChannel)
    {
        var answer = (await client.SendAsync(HttpMethod.Post, "/v1/ledger/audit/audit/evaluate",
            new { function = "ListAnchors", args = new[] { sourceChannel, sourceChannel } }, idempotencyKey: null)).Expect(HttpStatusCode.OK);
        return JsonSerializer.Deserialize<List<AuditAnchor>>(answer.Text("result"), AuditJson.Options)!;
    }

    /// <summary>Every anchor of a source in the API's read model of the audit channel (all pages of <c>GET /v1/audit/anchors</c>).</summary>
    public static async Task<List<JsonNode>> ReadModelAnchorsAsync(HttpClient client, string sourceChannel, string kind)
    {
        var anchors = new List<JsonNode>();
        for (string? cursor = null; ;)
        {
            var page = (await client.GetJsonAsync(
                $"/v1/audit/anchors?sourceChannel={sourceChannel}&kind={kind}&limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}")).Expect(HttpStatusCode.OK);
            anchors.AddRange(page.Body["items"]!.AsArray().Select(item => item!.DeepClone()));
            cursor = (string?)page.Body["nextCursor"];
            if (cursor is null)
            {
                return anchors;
            }
        }
    }

    /// <summary>Recomputes an anchor from the source ledger (<c>GET /v1/audit/anchors/{id}/verification</c>, what <c>restcomm audit verify</c> calls).</summary>
    public static async Task<Answer> VerifyAsync(HttpClient client, string anchorId)
        => await client.GetJsonAsync($"/v1/audit/anchors/{Uri.EscapeDataString(anchorId)}/verification");

    /// <summary>
    /// Whether block ranges cover blocks 0 to <paramref name="height"/> − 1 one after the other, each block exactly once;
    /// null when they do, else the first gap or overlap.
    /// </summary>
    public static string? Contiguity(IEnumerable<(long From, long To)> ranges, long height)
    {
        var next = 0L;
        foreach (var (from, to) in ranges.OrderBy(r => r.From).ThenBy(r => r.To))
        {
            if (from != next)
            {
                return from > next ? $"blocks {next}–{from - 1} are in no anchor" : $"{from}–{to} overlaps blocks up to {next - 1} anchored before";
            }

            if (to < from)
            {
                return $"{from}–{to} is no range";
            }

            next = to + 1;
        }

        return next == height ? null : $"anchors end at block {next - 1}, the channel at {height - 1}";
    }
}
