using System.Text;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// State-based (key-level) endorsement through the real gateway client: the chaincode policy on the test channel is
/// MAJORITY (two of Org1, Org2, Org3); keys given a key-level policy naming Org2 (or Org3) alone follow it instead.
/// </summary>
public sealed class KeyLevelEndorsementTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;
    private const string Guarded = TestNetwork.GuardedCollection;

    private static string Key() => "k-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<CommitStatus> SubmitAsync(Contract contract, string function, string[]? endorsers, params string[] args)
    {
        var options = new ProposalOptions().AddArguments(args);
        if (endorsers is not null)
        {
            options.WithEndorsingOrganizations(endorsers);
        }
        var submitted = await contract.SubmitAsync(function, options).WaitAsync(Timeout);
        return await submitted.GetStatusAsync().WaitAsync(Timeout);
    }

    private static async Task<string> EvaluateAsync(Contract contract, string function, params string[] args) =>
        Encoding.UTF8.GetString(await contract.EvaluateTransactionAsync(function, args).WaitAsync(Timeout));

    [Fact]
    public async Task Write_endorsed_without_the_key_policy_organisation_is_invalid_and_not_applied()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, key, "v1", "Org2MSP")).Code);

        // Org1 and Org3 satisfy the chaincode's MAJORITY, but not the key's own policy.
        var status = await SubmitAsync(contract, "Put", ["Org1MSP", "Org3MSP"], key, "v2");

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, status.Code);
        Assert.Equal("v1", await EvaluateAsync(contract, "Get", key));
    }

    [Fact]
    public async Task Write_endorsed_by_the_key_policy_organisation_alone_commits()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, key, "v1", "Org2MSP")).Code);

        // Org2 alone is no majority: only the key-level policy can make this valid.
        var status = await SubmitAsync(contract, "Put", ["Org2MSP"], key, "v2");

        Assert.Equal(TxValidationCode.Valid, status.Code);
        Assert.Equal("v2", await EvaluateAsync(contract, "Get", key));
    }

    [Fact]
    public async Task Keys_without_a_key_policy_keep_the_chaincode_policy()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var guardedKey = Key();
        var plainKey = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, guardedKey, "v1", "Org2MSP")).Code);
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "Put", null, plainKey, "v1")).Code);

        var guardedAlone = await SubmitAsync(contract, "Put", ["Org2MSP"], guardedKey, "v2");
        var plainAlone = await SubmitAsync(contract, "Put", ["Org2MSP"], plainKey, "v2");
        var bothByOrg2 = await SubmitAsync(contract, "PutTwo", ["Org2MSP"], guardedKey, plainKey, "v3");
        var bothByOrg1AndOrg2 = await SubmitAsync(contract, "PutTwo", ["Org1MSP", "Org2MSP"], guardedKey, plainKey, "v4");

        Assert.Equal(TxValidationCode.Valid, guardedAlone.Code);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, plainAlone.Code);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, bothByOrg2.Code);
        Assert.Equal(TxValidationCode.Valid, bothByOrg1AndOrg2.Code);
        Assert.Equal("v4", await EvaluateAsync(contract, "Get", plainKey));
        Assert.Equal("v4", await EvaluateAsync(contract, "Get", guardedKey));
    }

    [Fact]
    public async Task Changing_a_key_policy_needs_the_policy_it_replaces()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, key, "v1", "Org2MSP")).Code);

        var byMajority = await SubmitAsync(contract, "SetPolicy", ["Org1MSP", "Org3MSP"], key, "Org3MSP");
        var policyAfterRefusal = await EvaluateAsync(contract, "GetPolicy", key);
        var byOldPolicy = await SubmitAsync(contract, "SetPolicy", ["Org2MSP"], key, "Org3MSP");
        var policyAfterChange = await EvaluateAsync(contract, "GetPolicy", key);
        var writeByOldPolicy = await SubmitAsync(contract, "Put", ["Org2MSP"], key, "v2");
        var writeByNewPolicy = await SubmitAsync(contract, "Put", ["Org3MSP"], key, "v3");

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, byMajority.Code);
        Assert.Equal("Org2MSP", policyAfterRefusal);
        Assert.Equal(TxValidationCode.Valid, byOldPolicy.Code);
        Assert.Equal("Org3MSP", policyAfterChange);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, writeByOldPolicy.Code);
        Assert.Equal(TxValidationCode.Valid, writeByNewPolicy.Code);
        Assert.Equal("v3", await EvaluateAsync(contract, "Get", key));
    }

    [Fact]
    public async Task Gateway_chooses_the_key_policy_organisations_when_the_client_names_none()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var guardedKey = Key();
        var plainKey = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, guardedKey, "v1", "Org3MSP")).Code);
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "Put", null, plainKey, "v1")).Code);

        // Org1's gateway simulates on Org1, yet the key needs Org3 (and the plain key a majority as well).
        var guardedOnly = await SubmitAsync(contract, "Put", null, guardedKey, "v2");
        var both = await SubmitAsync(contract, "PutTwo", null, guardedKey, plainKey, "v3");

        Assert.Equal(TxValidationCode.Valid, guardedOnly.Code);
        Assert.Equal(TxValidationCode.Valid, both.Code);
        Assert.Equal("v3", await EvaluateAsync(contract, "Get", guardedKey));
        Assert.Equal("v3", await EvaluateAsync(contract, "Get", plainKey));
    }

    [Fact]
    public async Task Policy_changed_earlier_in_the_same_block_invalidates_later_writes_of_the_key()
    {
        // A long block timeout so that both transactions land in one block.
        await using var net = await TestNetwork.StartAsync(config => config.BlockCutting.TimeoutMs = 2000);
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutWithPolicy", null, key, "v1", "Org2MSP")).Code);

        var change = await contract.NewProposal("SetPolicy", new ProposalOptions().AddArguments(key, "Org3MSP").WithEndorsingOrganizations("Org2MSP"))
            .EndorseAsync().WaitAsync(Timeout);
        // Endorsed by both the old and the new policy's organisation: Fabric still refuses it, as the policy it
        // was checked against changed under it.
        var write = await contract.NewProposal("Put", new ProposalOptions().AddArguments(key, "late").WithEndorsingOrganizations("Org2MSP", "Org3MSP"))
            .EndorseAsync().WaitAsync(Timeout);
        var changeSubmitted = await change.SubmitAsync().WaitAsync(Timeout);
        var writeSubmitted = await write.SubmitAsync().WaitAsync(Timeout);
        var changeStatus = await changeSubmitted.GetStatusAsync().WaitAsync(Timeout);
        var writeStatus = await writeSubmitted.GetStatusAsync().WaitAsync(Timeout);

        Assert.Equal(changeStatus.BlockNumber, writeStatus.BlockNumber);
        Assert.Equal(TxValidationCode.Valid, changeStatus.Code);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, writeStatus.Code);
        Assert.Equal("v1", await EvaluateAsync(contract, "Get", key));
        Assert.Equal("Org3MSP", await EvaluateAsync(contract, "GetPolicy", key));
    }

    [Fact]
    public async Task Private_key_policy_replaces_the_collection_policy()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        // The collection's own policy (Org1 and Org3) governs the key until it has a key-level policy.
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "PutPrivate", null, Guarded, key, "v1")).Code);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, (await SubmitAsync(contract, "SetPrivatePolicy", ["Org2MSP"], Guarded, key, "Org2MSP")).Code);
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(contract, "SetPrivatePolicy", null, Guarded, key, "Org2MSP")).Code);

        var byCollectionPolicy = await SubmitAsync(contract, "PutPrivate", ["Org1MSP", "Org3MSP"], Guarded, key, "v2");
        var afterRefusal = await EvaluateAsync(contract, "GetPrivate", Guarded, key);
        var byKeyPolicy = await SubmitAsync(contract, "PutPrivate", ["Org2MSP"], Guarded, key, "v3");
        var afterChange = await EvaluateAsync(contract, "GetPrivate", Guarded, key);
        var planned = await SubmitAsync(contract, "PutPrivate", null, Guarded, key, "v4");

        Assert.Equal("Org2MSP", await EvaluateAsync(contract, "GetPrivatePolicy", Guarded, key));
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, byCollectionPolicy.Code);
        Assert.Equal("v1", afterRefusal);
        Assert.Equal(TxValidationCode.Valid, byKeyPolicy.Code);
        Assert.Equal("v3", afterChange);
        Assert.Equal(TxValidationCode.Valid, planned.Code);
        Assert.Equal("v4", await EvaluateAsync(contract, "GetPrivate", Guarded, key));
    }

    [Fact]
    public async Task Key_policies_survive_a_restart()
    {
        await using var net = await TestNetwork.StartAsync();
        var key = Key();
        Assert.Equal(TxValidationCode.Valid, (await SubmitAsync(net.KeyPolicy("Org1MSP"), "PutWithPolicy", null, key, "v1", "Org2MSP")).Code);

        await net.RestartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var byMajority = await SubmitAsync(contract, "Put", ["Org1MSP", "Org3MSP"], key, "v2");
        var byOrg2 = await SubmitAsync(contract, "Put", ["Org2MSP"], key, "v3");

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, byMajority.Code);
        Assert.Equal(TxValidationCode.Valid, byOrg2.Code);
        Assert.Equal("v3", await EvaluateAsync(contract, "Get", key));
    }
}

public sealed class ChannelStoreMigrationTests
{
    [Fact]
    public void Ledger_written_before_private_metadata_existed_gains_the_columns_and_keeps_its_data()
    {
        var path = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"), "old.sqlite");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keyHash = new byte[] { 1, 2, 3 };
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE hashed_state (ns TEXT NOT NULL, coll TEXT NOT NULL, keyhash BLOB NOT NULL, valuehash BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, PRIMARY KEY (ns, coll, keyhash)) WITHOUT ROWID;
                CREATE TABLE private_state (org TEXT NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, PRIMARY KEY (org, ns, coll, key)) WITHOUT ROWID;
                INSERT INTO hashed_state VALUES ('cc', 'c', X'010203', X'AA', 4, 0);
                """;
            create.ExecuteNonQuery();
        }

        try
        {
            using var store = new Ledger.ChannelStore(path);
            var hashed = store.GetHashed("cc", "c", keyHash);

            Assert.NotNull(hashed);
            Assert.Equal(new Ledger.KeyVersion(4, 0), hashed.Version);
            Assert.Null(hashed.Metadata);
            Assert.Null(store.GetHashedMetadata("cc", "c", keyHash));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Key_metadata_is_found_after_its_block_commits_and_after_the_store_is_opened_again()
    {
        var path = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"), "ledger.sqlite");
        byte[] policy = [0x0a, 0x01, 0x01];
        byte[] keyHash = [7, 7, 7];
        static Ledger.BlockUpdate Block(ulong number) => new() { Number = number, Hash = [(byte)number], BlockBytes = [(byte)number] };
        try
        {
            using (var store = new Ledger.ChannelStore(path))
            {
                var first = Block(0);
                first.State.Add((new Ledger.StateWrite("plain", "a", [1], null, false), 0));
                first.State.Add((new Ledger.StateWrite("guarded", "b", [2], null, false), 0));
                first.Hashed.Add((new Ledger.HashedWrite("guarded", "pair", keyHash, [9]), 0));
                store.Commit(first);
                Assert.Null(store.GetMetadata("guarded", "b"));

                var second = Block(1);
                second.State.Add((new Ledger.StateWrite("guarded", "b", null, policy, true), 0));
                second.Hashed.Add((new Ledger.HashedWrite("guarded", "pair", keyHash, null, policy, true), 0));
                store.Commit(second);

                Assert.Equal(policy, store.GetMetadata("guarded", "b"));
                Assert.Equal(policy, store.GetHashedMetadata("guarded", "pair", keyHash));
                Assert.Null(store.GetMetadata("plain", "a"));
            }

            using (var reopened = new Ledger.ChannelStore(path))
            {
                Assert.Equal(policy, reopened.GetMetadata("guarded", "b"));
                Assert.Equal(policy, reopened.GetHashedMetadata("guarded", "pair", keyHash));
                Assert.Null(reopened.GetMetadata("plain", "a"));
                Assert.Null(reopened.GetHashedMetadata("guarded", "other", keyHash));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
