using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Roaming.Settlement;
using static Restcomm.Chaincode.Roaming.Tests.Settlement.SettlementLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class TokenContractTests
{
    private readonly SettlementLedger _ledger = new();

    [Fact]
    public async Task The_token_describes_itself_as_RCB_with_its_decimals_and_the_supply_governance_created()
    {
        await _ledger.MintAsync("Org3MSP", 10_000);

        var token = await _ledger.Ok<TokenInfo>(B, "GetToken");

        Assert.Equal(("RCB", 2, 10_000L), (token.Symbol, token.Decimals, token.TotalSupply));
    }

    [Fact]
    public async Task Minting_needs_a_strict_majority_of_the_channel_members_each_approving_with_its_own_identity()
    {
        var proposal = await _ledger.Ok<SupplyProposal>(A, "ProposeSupplyChange", "mint", "Org3MSP", "10000", "allocation");
        var second = await _ledger.Ok<SupplyProposal>(B, "ApproveSupplyChange", proposal.ProposalId);

        Assert.Equal((ProposalStatus.Open, 3), (second.Status, second.Required));
        Assert.Equal(0, await _ledger.Balance("Org3MSP"));
        await _ledger.Refused(409, "already-approved", B, "ApproveSupplyChange", proposal.ProposalId);
        await _ledger.Refused(403, "forbidden", Outsider, "ApproveSupplyChange", proposal.ProposalId);

        var third = await _ledger.Ok<SupplyProposal>(C, "ApproveSupplyChange", proposal.ProposalId);
        var change = _ledger.LastChange();

        Assert.Equal(ProposalStatus.Executed, third.Status);
        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP"], third.Approvals);
        Assert.Equal(10_000, await _ledger.Balance("Org3MSP"));
        Assert.Equal(10_000, change.Token!.TotalSupply);
        await _ledger.Refused(409, "proposal-executed", D, "ApproveSupplyChange", proposal.ProposalId);
    }

    [Fact]
    public async Task Burning_needs_the_majority_and_the_approval_of_the_accounts_owner()
    {
        await _ledger.MintAsync("Org4MSP", 1_000);
        var proposal = await _ledger.Ok<SupplyProposal>(A, "ProposeSupplyChange", "burn", "Org4MSP", "400", "withdrawal");
        await _ledger.Ok<SupplyProposal>(B, "ApproveSupplyChange", proposal.ProposalId);
        var majorityWithoutOwner = await _ledger.Ok<SupplyProposal>(C, "ApproveSupplyChange", proposal.ProposalId);

        Assert.Equal(ProposalStatus.Open, majorityWithoutOwner.Status);
        Assert.Equal(1_000, await _ledger.Balance("Org4MSP"));

        var executed = await _ledger.Ok<SupplyProposal>(D, "ApproveSupplyChange", proposal.ProposalId);

        Assert.Equal(ProposalStatus.Executed, executed.Status);
        Assert.Equal(600, await _ledger.Balance("Org4MSP"));
        Assert.Equal(600, (await _ledger.Ok<TokenInfo>(A, "GetToken")).TotalSupply);
    }

    [Fact]
    public async Task A_transfer_that_would_make_a_balance_negative_is_refused_and_moves_nothing()
    {
        await _ledger.MintAsync("Org1MSP", 1_000);
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "Transfer", "Org2MSP", "600");

        await _ledger.Refused(412, "insufficient-funds", A, "Transfer", "Org2MSP", "401");
        await _ledger.Refused(400, "invalid-argument", A, "Transfer", "Org2MSP", "-5");
        await _ledger.Refused(400, "invalid-argument", A, "Transfer", "Org9MSP", "1");

        Assert.Equal((400L, 600L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org2MSP")));
    }

    [Fact]
    public async Task TransferFrom_moves_another_members_tokens_only_within_its_allowance_and_spends_the_allowance()
    {
        await _ledger.MintAsync("Org1MSP", 1_000);
        await _ledger.Ok<Allowance>(A, "Approve", "Org2MSP", "300");

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(B, "TransferFrom", "Org1MSP", "Org3MSP", "200");

        Assert.Equal(100, (await _ledger.Ok<Allowance>(C, "GetAllowance", "Org1MSP", "Org2MSP")).Amount);
        await _ledger.Refused(403, "allowance-exceeded", B, "TransferFrom", "Org1MSP", "Org3MSP", "150");
        await _ledger.Refused(403, "allowance-exceeded", C, "TransferFrom", "Org1MSP", "Org3MSP", "1");
        Assert.Equal((800L, 200L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org3MSP")));
    }

    [Fact]
    public async Task A_members_sub_account_is_spent_by_the_member_and_by_nobody_else_without_an_allowance()
    {
        await _ledger.MintAsync("Org1MSP", 1_000);
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "Transfer", "Org1MSP/treasury", "300");

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "TransferFrom", "Org1MSP/treasury", "Org2MSP", "100");
        await _ledger.Refused(403, "allowance-exceeded", B, "TransferFrom", "Org1MSP/treasury", "Org2MSP", "1");

        Assert.Equal((700L, 200L, 100L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org1MSP/treasury"), await _ledger.Balance("Org2MSP")));
    }

    [Fact]
    public async Task Each_payment_writes_entries_under_keys_of_its_own_so_payments_to_one_payee_share_no_key()
    {
        await _ledger.MintAsync("Org1MSP", 1_000);
        await _ledger.MintAsync("Org2MSP", 1_000);
        var stub = _ledger.Roaming.Stub;
        var before = stub.State.Keys.ToHashSet();

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "Transfer", "Org3MSP", "10");
        var afterFirst = stub.State.Keys.ToHashSet();
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(B, "Transfer", "Org3MSP", "20");
        var afterSecond = stub.State.Keys.ToHashSet();
        var first = afterFirst.Except(before).ToHashSet();
        var second = afterSecond.Except(afterFirst).ToHashSet();

        // Each transfer wrote four new keys (the payer's history entry and folded balance, the payee's history entry and
        // credit) and deleted only its payer's credit from the mint: the payee's keys are new each time, so the two
        // payments share no key.
        Assert.Equal(4, first.Count);
        Assert.Equal(4, second.Count);
        Assert.Empty(first.Intersect(second));
        Assert.StartsWith(Credit(stub, "Org1MSP"), Assert.Single(before.Except(afterFirst)), StringComparison.Ordinal);
        Assert.StartsWith(Credit(stub, "Org2MSP"), Assert.Single(afterFirst.Except(afterSecond)), StringComparison.Ordinal);
        Assert.Equal(2, second.Count(k => k.Contains("Org3MSP", StringComparison.Ordinal)));
        Assert.Equal(30, await _ledger.Balance("Org3MSP"));
        var history = await _ledger.Ok<IReadOnlyList<AccountEntry>>(C, "GetAccountHistory", "Org3MSP");
        Assert.Equal([("Org1MSP", 10L), ("Org2MSP", 20L)], history.Select(e => (e.Counterparty!, e.Amount)).Order().ToList());
    }

    [Fact]
    public async Task A_debit_folds_the_credits_received_since_the_last_one_into_the_payers_balance_and_reads_nothing_older()
    {
        await _ledger.MintAsync("Org1MSP", 1_000);
        await _ledger.MintAsync("Org2MSP", 1_000);
        var stub = _ledger.Roaming.Stub;

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "Transfer", "Org2MSP", "100");
        Assert.Equal("900", Folded(stub, "Org1MSP"));
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(B, "Transfer", "Org1MSP", "30");
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(B, "Transfer", "Org1MSP", "20");
        // Two credits wait, each under a key of its own; the folded balance is untouched by them.
        Assert.Equal(2, stub.State.Keys.Count(k => k.StartsWith(Credit(stub, "Org1MSP"), StringComparison.Ordinal)));
        Assert.Equal(("900", 950L), (Folded(stub, "Org1MSP"), await _ledger.Balance("Org1MSP")));

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "Transfer", "Org3MSP", "940");
        await _ledger.Refused(412, "insufficient-funds", A, "Transfer", "Org3MSP", "11");

        // The debit folded both credits (and deleted their keys): 900 + 30 + 20 - 940.
        Assert.Equal("10", Folded(stub, "Org1MSP"));
        Assert.DoesNotContain(stub.State.Keys, k => k.StartsWith(Credit(stub, "Org1MSP"), StringComparison.Ordinal));
        Assert.Equal((10L, 1_050L, 940L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org2MSP"), await _ledger.Balance("Org3MSP")));
        // The history keeps every movement.
        Assert.Equal(5, (await _ledger.Ok<IReadOnlyList<AccountEntry>>(C, "GetAccountHistory", "Org1MSP")).Count);
    }

    [Fact]
    public async Task An_account_with_history_but_no_folded_balance_sums_its_history_and_its_first_debit_folds_it()
    {
        await _ledger.MintAsync("Org2MSP", 100);
        // Entries written before balances were folded: history only, no folded balance, no credit keys.
        var stub = _ledger.Roaming.Stub;
        foreach (var (tx, amount) in new[] { ("tx-a", 700L), ("tx-b", -200L), ("tx-c", 50L) })
        {
            var entry = new AccountEntry { Account = "Org1MSP/legacy", Amount = amount, Kind = "transfer", TxId = tx, At = DateTimeOffset.UnixEpoch };
            await stub.PutStateAsync(SettlementKeys.EntryKey(stub, "Org1MSP/legacy", tx, 0), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(entry, Restcomm.Roaming.RoamingJson.Options));
        }

        await _ledger.Ok<IReadOnlyList<AccountEntry>>(B, "Transfer", "Org1MSP/legacy", "5");
        Assert.Null(Folded(stub, "Org1MSP/legacy"));
        await _ledger.Refused(412, "insufficient-funds", A, "TransferFrom", "Org1MSP/legacy", "Org2MSP", "556");
        await _ledger.Ok<IReadOnlyList<AccountEntry>>(A, "TransferFrom", "Org1MSP/legacy", "Org2MSP", "500");

        // 700 - 200 + 50 + 5 - 500: the credit received before the first debit was counted once, from the history.
        Assert.Equal(("55", 55L), (Folded(stub, "Org1MSP/legacy"), await _ledger.Balance("Org1MSP/legacy")));
        Assert.DoesNotContain(stub.State.Keys, k => k.StartsWith(Credit(stub, "Org1MSP/legacy"), StringComparison.Ordinal));
        await _ledger.Refused(412, "insufficient-funds", A, "TransferFrom", "Org1MSP/legacy", "Org2MSP", "56");
    }

    private static string Credit(Restcomm.Fabric.Shim.Testing.InMemoryChaincodeStub stub, string account)
        => stub.CreateCompositeKey(SettlementKeys.Credit, account);

    private static string? Folded(Restcomm.Fabric.Shim.Testing.InMemoryChaincodeStub stub, string account)
        => stub.State.TryGetValue(SettlementKeys.BalanceKey(stub, account), out var value) ? System.Text.Encoding.ASCII.GetString(value) : null;

    [Fact]
    public async Task One_chaincode_server_keeps_each_channels_own_members_for_votes_majorities_and_accounts()
    {
        var policy = SettlementLedger.Policy.WithMembers("roaming-emea=Org1MSP,Org2MSP,Org3MSP,Org4MSP,Org5MSP; roaming-apac=Org2MSP,Org3MSP");
        var apac = new SettlementLedger(policy, "roaming-apac");
        var emea = new SettlementLedger(policy);

        // Org1 is a member of roaming-emea only: on roaming-apac it has no vote and holds no account.
        await apac.Refused(403, "forbidden", A, "ProposeSupplyChange", "mint", "Org2MSP", "100", "allocation");
        await apac.Refused(400, "invalid-argument", B, "ProposeSupplyChange", "mint", "Org1MSP", "100", "allocation");
        var onApac = await apac.Ok<SupplyProposal>(B, "ProposeSupplyChange", "mint", "Org2MSP", "100", "allocation");
        var onEmea = await emea.Ok<SupplyProposal>(A, "ProposeSupplyChange", "mint", "Org1MSP", "100", "allocation");

        Assert.Equal((2, 3), (onApac.Required, onEmea.Required));
        var carried = await apac.Ok<SupplyProposal>(C, "ApproveSupplyChange", onApac.ProposalId);
        Assert.Equal(ProposalStatus.Executed, carried.Status);
        Assert.Equal(100, await apac.Balance("Org2MSP"));
    }

    [Fact]
    public void A_member_list_without_a_channel_name_applies_to_the_channels_not_named()
    {
        var policy = new SettlementPolicy().WithMembers("Org3MSP,Org1MSP,Org2MSP;roaming-apac=Org2MSP,Org3MSP");

        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP"], policy.ForChannel("roaming-emea").Members);
        Assert.Equal(["Org2MSP", "Org3MSP"], policy.ForChannel("roaming-apac").Members);
        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP"], new SettlementPolicy().WithMembers("Org1MSP, Org2MSP,Org3MSP").ForChannel("any").Members);
    }
}
