using Restcomm.Eir;
using static Restcomm.Chaincode.Eir.Tests.Domain.Entries;

namespace Restcomm.Chaincode.Eir.Tests.Domain;

public class ImeiIndexTests
{
    private static readonly Imei Device = Imei.Parse("356938035643809");
    private static readonly Tac Model = new(35693803);

    [Fact]
    public void Empty_index_answers_white_listed_at_height_zero()
    {
        var index = new ImeiIndex();

        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Device).Status);
        Assert.Equal(0, index.BlockHeight);
    }

    [Fact]
    public void Reported_imei_is_black_listed_and_cleared_imei_is_white_listed_again()
    {
        var index = new ImeiIndex();
        var entry = Black("356938035643809");

        index.Apply(Reported(entry));
        var listed = index.Check(Device);
        index.Apply(Cleared(entry));

        Assert.Equal(EquipmentStatus.BlackListed, listed.Status);
        Assert.Same(entry, listed.Entry);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Device).Status);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Range_covers_its_ends_and_nothing_outside()
    {
        var index = new ImeiIndex();
        index.Apply(Reported(Black("35693803:000100-000199")));

        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Imei.FromParts(Model, 100)).Status);
        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Imei.FromParts(Model, 199)).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Imei.FromParts(Model, 99)).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Imei.FromParts(Model, 200)).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Imei.FromParts(new Tac(35693804), 150)).Status);
    }

    [Fact]
    public void Overlapping_range_and_single_entries_follow_list_precedence()
    {
        var index = new ImeiIndex(new ManualClock(T0));
        index.Apply(Reported(White("35693803")));
        index.Apply(Reported(Grey("35693803:500000-599999", T0.AddDays(1))));
        index.Apply(Reported(Black("356938035643809", "Org2MSP")));

        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Device).Status);
        Assert.Equal(EquipmentStatus.GreyListed, index.Check(Imei.FromParts(Model, 500000)).Status);
        var white = index.Check(Imei.FromParts(Model, 1));
        Assert.Equal(EquipmentStatus.WhiteListed, white.Status);
        Assert.Equal(EirList.White, white.Entry!.List);
    }

    [Fact]
    public void Grey_entry_expires_by_the_injected_clock()
    {
        var clock = new ManualClock(T0);
        var index = new ImeiIndex(clock);
        index.Apply(Reported(Grey("356938035643809", T0.AddDays(7))));

        var before = index.Check(Device).Status;
        clock.Advance(TimeSpan.FromDays(7));
        var after = index.Check(Device).Status;

        Assert.Equal(EquipmentStatus.GreyListed, before);
        Assert.Equal(EquipmentStatus.WhiteListed, after);
        Assert.Single(index.EntriesCovering(Device));
    }

    [Fact]
    public void Entries_of_different_owners_are_kept_apart_and_cleared_separately()
    {
        var index = new ImeiIndex();
        var a = Black("356938035643809", "Org1MSP");
        var b = Black("356938035643809", "Org2MSP", ReasonCode.Lost);
        index.Apply(Reported(a));
        index.Apply(Reported(b));

        index.Apply(Cleared(a));

        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Device).Status);
        Assert.Same(b, index.Check(Device).Entry);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Updated_entry_replaces_the_one_with_the_same_key()
    {
        var index = new ImeiIndex();
        var first = Black("35693803:000100-000199");
        var updated = first with { Reason = ReasonCode.Fraud, Note = "confirmed" };

        index.Apply(Reported(first));
        index.Apply(new EirChange { Kind = EirChangeKind.Updated, Entry = updated, By = "Org1MSP", TxId = "t2", At = T0 });

        Assert.Equal(1, index.Count);
        Assert.Equal(ReasonCode.Fraud, index.Check(Imei.FromParts(Model, 150)).Entry!.Reason);
    }

    [Fact]
    public void Applying_the_same_changes_twice_leaves_the_same_content()
    {
        var index = new ImeiIndex();
        var set = new EirChangeSet
        {
            TxId = "t",
            Changes = [Reported(Black("356938035643809")), Reported(Black("35693803:000000-000009")), Cleared(Black("35693803:000000-000009"))],
        };

        index.Apply(set);
        index.Apply(set);

        Assert.Equal(1, index.Count);
        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Device).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Imei.FromParts(Model, 5)).Status);
    }

    [Fact]
    public void Clearing_an_entry_the_index_does_not_hold_changes_nothing()
    {
        var index = new ImeiIndex();
        index.Apply(Reported(Black("356938035643809", "Org1MSP")));

        index.Apply(Cleared(Black("356938035643809", "Org2MSP")));
        index.Apply(Cleared(Black("490154203237518")));

        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Bulk_check_answers_each_imei_in_order_with_the_block_height()
    {
        var index = new ImeiIndex();
        index.Apply(Reported(Black("35693803:000000-000999")));
        index.CompleteBlock(41);
        var imeis = Enumerable.Range(0, ImeiIndex.MaxBulkCheck).Select(i => Imei.FromParts(Model, i)).ToArray();
        var results = new ImeiCheck[imeis.Length];

        var height = index.CheckMany(imeis, results);

        Assert.Equal(42, height);
        for (var i = 0; i < imeis.Length; i++)
        {
            Assert.Equal(imeis[i], results[i].Imei);
            Assert.Equal(i < 1000 ? EquipmentStatus.BlackListed : EquipmentStatus.WhiteListed, results[i].Status);
        }
    }

    [Fact]
    public void Bulk_check_needs_a_result_slot_per_imei()
    {
        var index = new ImeiIndex();

        Assert.Throws<ArgumentException>(() => index.CheckMany(new Imei[2], new ImeiCheck[1]));
    }

    [Fact]
    public void Block_height_only_moves_forward()
    {
        var index = new ImeiIndex();

        index.CompleteBlock(10);
        index.CompleteBlock(3);

        Assert.Equal(11, index.BlockHeight);
    }

    [Fact]
    public void Load_replaces_the_content_and_height()
    {
        var index = new ImeiIndex();
        index.Apply(Reported(Black("490154203237518")));

        index.Load([Black("356938035643809"), White("35693803")], 7);

        Assert.Equal(2, index.Count);
        Assert.Equal(7, index.BlockHeight);
        Assert.Equal(EquipmentStatus.WhiteListed, index.Check(Imei.Parse("490154203237518")).Status);
        Assert.Equal(EquipmentStatus.BlackListed, index.Check(Device).Status);
    }

    [Fact]
    public async Task Readers_see_consistent_answers_while_a_writer_applies_changes()
    {
        var index = new ImeiIndex();
        var stable = Imei.FromParts(new Tac(11111111), 1);
        index.Apply(Reported(Black(stable.ToString())));
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var e = Black(Imei.FromParts(Model, i / 2 % 500).ToString());
                index.Apply(i % 2 == 0 ? Reported(e) : Cleared(e));
            }
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var wrong = 0;
            while (!writer.IsCompleted)
            {
                if (index.Check(stable).Status != EquipmentStatus.BlackListed)
                {
                    wrong++;
                }

                _ = index.Check(Imei.FromParts(Model, 7));
            }

            return wrong;
        })).ToArray();

        var counts = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        await writer.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(counts, c => Assert.Equal(0, c));
        Assert.Equal(1, index.Count);
    }
}
