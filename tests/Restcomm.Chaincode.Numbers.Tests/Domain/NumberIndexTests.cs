using Restcomm.Chaincode.Numbers.Tests.Support;
using Restcomm.Numbers;
using static Restcomm.Chaincode.Numbers.Tests.Support.NumbersLedger;

namespace Restcomm.Chaincode.Numbers.Tests.Domain;

public class NumberIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(T0);

    private static NumberRecord Record(string e164, string provider, NumberProfile profile)
        => new() { E164 = E164Number.Parse(e164), Provider = provider, Profile = profile, UpdatedAt = T0, TxId = "tx" };

    private static NumberChange Published(NumberRecord record) => new() { Kind = NumberChangeKind.Published, E164 = record.E164, Record = record };

    [Fact]
    public void A_lookup_answers_the_records_provider_capabilities_and_caller_name_with_the_height()
    {
        var index = new NumberIndex(_clock);
        index.ApplyBlock([Published(Record("+447700900123", A, Rich()))], 7);

        var (lookup, height) = index.Lookup(E164Number.Parse("+447700900123"));

        Assert.Equal(8, height);
        Assert.True(lookup.Found);
        Assert.Equal((A, LineType.Mobile), (lookup.Provider, lookup.LineType));
        Assert.Equal(["rcs", "sms", "voice"], lookup.Capabilities.Select(c => c.Name).Order());
        Assert.Equal(new CallerNameView("ACME PLUMBING", CnamPresentation.Allowed), lookup.Cnam);
        Assert.False(index.Lookup(E164Number.Parse("+447700900124")).Lookup.Found);
    }

    [Fact]
    public void A_restricted_caller_name_is_never_shown_and_lapsed_consents_are_left_out()
    {
        var index = new NumberIndex(_clock);
        var profile = new NumberProfile
        {
            Capabilities = [Capability("sms", expires: T0.AddDays(1)), Capability("voice")],
            Cnam = new CallerName { Name = "SECRET", Presentation = CnamPresentation.Restricted },
        };
        index.ApplyBlock([Published(Record("+447700900123", A, profile))], 0);

        var before = index.Lookup(E164Number.Parse("+447700900123")).Lookup;
        _clock.Advance(TimeSpan.FromDays(2));
        var after = index.Lookup(E164Number.Parse("+447700900123")).Lookup;

        Assert.Equal(new CallerNameView(null, CnamPresentation.Restricted), before.Cnam);
        Assert.Equal(["sms", "voice"], before.Capabilities.Select(c => c.Name));
        Assert.Equal(["voice"], after.Capabilities.Select(c => c.Name));
    }

    [Fact]
    public void Numbers_of_a_block_answer_from_it_until_they_have_a_record_and_again_after_it_is_withdrawn()
    {
        var index = new NumberIndex(_clock);
        var block = new NumberBlock { Id = NumberBlockId.Parse("+44207946xxxx"), Provider = A, Profile = new NumberProfile { LineType = LineType.Fixed, Capabilities = [Capability("voice")] }, UpdatedAt = T0, TxId = "tx" };
        var ported = Record("+442079461234", B, new NumberProfile { LineType = LineType.Fixed });
        index.ApplyBlock([new NumberChange { Kind = NumberChangeKind.BlockPublished, Block = block }], 0);
        index.ApplyBlock([new NumberChange { Kind = NumberChangeKind.PortActivated, E164 = ported.E164, Record = ported }], 1);

        var inBlock = index.Lookup(E164Number.Parse("+442079465555")).Lookup;
        var own = index.Lookup(ported.E164).Lookup;
        index.ApplyBlock([new NumberChange { Kind = NumberChangeKind.Withdrawn, E164 = ported.E164, Record = ported }], 2);
        var back = index.Lookup(ported.E164).Lookup;
        index.ApplyBlock([new NumberChange { Kind = NumberChangeKind.BlockWithdrawn, Block = block }], 3);

        Assert.Equal((A, block.Id), (inBlock.Provider, inBlock.Block!.Value));
        Assert.Equal((B, (NumberBlockId?)null), (own.Provider, own.Block));
        Assert.Empty(own.Capabilities);
        Assert.Equal(A, back.Provider);
        Assert.False(index.Lookup(ported.E164).Lookup.Found);
        Assert.False(index.Lookup(E164Number.Parse("+44207946555")).Lookup.Found);
    }

    [Fact]
    public void Random_publications_and_withdrawals_leave_the_index_agreeing_with_a_dictionary()
    {
        var index = new NumberIndex(_clock, capacity: 16);
        var reference = new Dictionary<ulong, (string Provider, string? Name)>();
        var random = new Random(42);
        var providers = new[] { A, B, C };
        for (var block = 0; block < 200; block++)
        {
            var changes = new List<NumberChange>();
            for (var i = 0; i < 50; i++)
            {
                var number = E164Number.Parse("+4477009" + random.Next(0, 3000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
                if (random.Next(3) == 0 && reference.Remove(number.Value))
                {
                    changes.Add(new NumberChange { Kind = NumberChangeKind.Withdrawn, E164 = number, Record = Record(number.ToString(), A, new NumberProfile()) });
                    continue;
                }

                var provider = providers[random.Next(3)];
                var name = random.Next(2) == 0 ? null : "N" + random.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                reference[number.Value] = (provider, name);
                changes.Add(Published(Record(number.ToString(), provider, new NumberProfile { Cnam = name is null ? null : new CallerName { Name = name } })));
            }

            index.ApplyBlock(changes, block);
        }

        Assert.Equal(reference.Count, index.Count);
        for (var n = 0; n < 3000; n++)
        {
            var number = E164Number.Parse("+4477009" + n.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            var lookup = index.Lookup(number).Lookup;
            Assert.Equal(reference.ContainsKey(number.Value), lookup.Found);
            if (reference.TryGetValue(number.Value, out var expected))
            {
                Assert.Equal(expected.Provider, lookup.Provider);
                Assert.Equal(expected.Name, lookup.Cnam?.Name);
            }
        }
    }

    [Fact]
    public void A_bulk_lookup_answers_in_request_order_under_one_height()
    {
        var index = new NumberIndex(_clock);
        index.ApplyBlock([Published(Record("+447700900001", A, new NumberProfile())), Published(Record("+447700900002", B, new NumberProfile()))], 4);
        E164Number[] numbers = [E164Number.Parse("+447700900002"), E164Number.Parse("+447700900003"), E164Number.Parse("+447700900001")];
        var results = new NumberLookup[3];

        var height = index.LookupMany(numbers, results);

        Assert.Equal(5, height);
        Assert.Equal([B, null, A], results.Select(r => r.Provider));
    }

    [Fact]
    public void Numbers_sharing_a_capability_set_share_one_interned_copy()
    {
        var index = new NumberIndex(_clock);
        var changes = Enumerable.Range(0, 100).Select(i => Published(Record("+4477009001" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), A, Rich()))).ToList();

        index.ApplyBlock(changes, 0);

        Assert.Equal(100, index.Count);
        Assert.Equal(2, index.CapabilitySetCount);
    }
}
