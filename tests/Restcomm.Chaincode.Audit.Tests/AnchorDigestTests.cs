using System.Security.Cryptography;
using System.Text;
using Restcomm.Audit;

namespace Restcomm.Chaincode.Audit.Tests;

public class AnchorDigestTests
{
    private static readonly CanonicalChange[] Changes =
    [
        new(3, "tx-a", 0, "reported", "356044401805781|black|Org1MSP", """{"kind":"reported"}"""),
        new(3, "tx-a", 1, "updated", "356044401805781|black|Org1MSP", """{"kind":"updated"}"""),
        new(5, "tx-b", 0, "cleared", "356044401805781|black|Org1MSP", """{"kind":"cleared"}"""),
    ];

    [Fact]
    public void The_digest_is_sha256_over_the_documented_canonical_list()
    {
        static string H(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        var list = "restcomm-audit/1\teir\teir\teir-changes\t0-9\n"
            + $"3\ttx-a\t0\treported\t356044401805781|black|Org1MSP\t{H("""{"kind":"reported"}""")}\n"
            + $"3\ttx-a\t1\tupdated\t356044401805781|black|Org1MSP\t{H("""{"kind":"updated"}""")}\n"
            + $"5\ttx-b\t0\tcleared\t356044401805781|black|Org1MSP\t{H("""{"kind":"cleared"}""")}\n";

        Assert.Equal(H(list), AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 9, Changes));
    }

    [Fact]
    public void A_changed_payload_a_missing_change_or_another_range_changes_the_digest()
    {
        var digest = AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 9, Changes);
        var changed = Changes.Select((c, i) => i == 1 ? c with { PayloadJson = """{"kind":"updated" }""" } : c);

        Assert.NotEqual(digest, AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 9, changed));
        Assert.NotEqual(digest, AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 9, Changes.Skip(1)));
        Assert.NotEqual(digest, AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 10, Changes));
        Assert.Equal(digest, AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, 0, 9, Changes.ToList()));
    }

    [Fact]
    public void A_tab_or_newline_inside_a_field_is_escaped_so_every_line_has_six_fields()
    {
        var line = new CanonicalChange(1, "t", 0, "k\nx", "a\tb", "{}").ToLine();

        Assert.Equal(6, line.TrimEnd('\n').Split('\t').Length);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.NotEqual(
            AnchorDigest.ForRange("c", "c", "k", 0, 1, [new CanonicalChange(1, "t", 0, "k", "a\tb", "{}")]),
            AnchorDigest.ForRange("c", "c", "k", 0, 1, [new CanonicalChange(1, "t", 0, "k", "a", "{}")]));
    }
}
