using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

/// <summary>
/// The roaming chaincode with its settlement contract on the in-memory ledger, for a channel of five members
/// (Org1MSP … Org5MSP: a majority is three), with RCB minted by governance where a test needs it.
/// </summary>
internal sealed class SettlementLedger
{
    private static readonly Dictionary<string, string> Approver = new() { ["roaming.submitter"] = "true", ["roaming.approver"] = "true" };

    public static readonly TestIdentity A = RoamingLedger.A;
    public static readonly TestIdentity B = RoamingLedger.B;
    public static readonly TestIdentity C = RoamingLedger.C;
    public static readonly TestIdentity D = TestIdentity.Create("Org4MSP", "User1@org4.example.com", Approver);
    public static readonly TestIdentity E = TestIdentity.Create("Org5MSP", "User1@org5.example.com", Approver);
    public static readonly TestIdentity Outsider = TestIdentity.Create("Org9MSP", "User1@org9.example.com", Approver);

    public static readonly SettlementPolicy Policy = new()
    {
        Members = ["Org1MSP", "Org2MSP", "Org3MSP", "Org4MSP", "Org5MSP"],
        TokenDecimals = 2,
        Jurors = 3,
        VotingFee = 100,
        MinimumPledge = 1_000,
        MinimumVoteSeconds = 60,
    };

    public SettlementLedger(SettlementPolicy? policy = null, string channel = "roaming-emea")
    {
        Roaming = new RoamingLedger(policy ?? Policy, channel);
    }

    public RoamingLedger Roaming { get; }

    public ManualClock Clock => Roaming.Clock;

    public Task<T> Ok<T>(TestIdentity caller, string function, params IReadOnlyList<string> args) => Roaming.Ok<T>(caller, "settlement:" + function, args);

    public Task<string> Refused(int status, string code, TestIdentity caller, string function, params IReadOnlyList<string> args)
        => Roaming.Refused(status, code, caller, "settlement:" + function, args);

    public async Task<long> Balance(string account) => (await Ok<AccountBalance>(A, "BalanceOf", account)).Balance;

    public SettlementChange LastChange() => Roaming.LastEvent().Settlement!;

    /// <summary>Mints through governance: proposed by A, approved by B and C (three of five).</summary>
    public async Task MintAsync(string account, long amount)
    {
        var proposal = await Ok<SupplyProposal>(A, "ProposeSupplyChange", "mint", account, N(amount), "initial allocation");
        await Ok<SupplyProposal>(B, "ApproveSupplyChange", proposal.ProposalId);
        var done = await Ok<SupplyProposal>(C, "ApproveSupplyChange", proposal.ProposalId);
        Assert.Equal(ProposalStatus.Executed, done.Status);
    }

    /// <summary>
    /// Puts a co-signed statement on the ledger as the roaming contract leaves it (agreement, public state, figures in the
    /// pair's collection), for tests of what happens after signing; the signing itself is tested in StatementContractTests.
    /// </summary>
    public async Task SignedStatementAsync(string agreementId, string partyA, string partyB, string payer, long net, string period = "2025-01", string terms = "15+15", int decimals = 2)
    {
        var stub = Roaming.Stub;
        stub.StartTransaction("seed");
        var collection = "pair-" + string.Join('-', new[] { partyA, partyB }.Order(StringComparer.Ordinal));
        var agreement = new AgreementState
        {
            AgreementId = agreementId,
            Collection = collection,
            PartyA = new AgreementParty { MspId = partyA, Tadigs = ["AAAA" + partyA[3]] },
            PartyB = new AgreementParty { MspId = partyB, Tadigs = ["BBBB" + partyB[3]] },
            Status = AgreementStatus.Active,
            ValidFrom = new DateOnly(2025, 1, 1),
        };
        var lastDay = SettlementPeriods.LastDay(period);
        var figures = new SettlementStatement
        {
            AgreementId = agreementId,
            AgreementVersion = 1,
            Period = period,
            Currency = "SDR",
            DecimalPlaces = decimals,
            Directions = [],
            NetMinor = net,
            NetPayerMspId = payer,
            NetPayeeMspId = payer == partyA ? partyB : partyA,
            PaymentTerms = terms,
            DueDate = PaymentTerms.Parse(terms).DueDate(lastDay),
        };
        var figureBytes = JsonSerializer.SerializeToUtf8Bytes(figures, RoamingJson.Options);
        var state = new StatementState
        {
            AgreementId = agreementId,
            Period = period,
            Collection = collection,
            Status = StatementStatus.Signed,
            StatementHash = RoamingLedger.Sha256(figureBytes),
            Batches = 2,
            ProposedBy = partyA,
            ProposedAt = Clock.Now,
            SignedBy = partyB,
            SignedAt = Clock.Now,
            DisputeWindowEnds = lastDay.AddDays(60),
        };
        await stub.PutStateAsync(RoamingKeys.AgreementKey(stub, agreementId), JsonSerializer.SerializeToUtf8Bytes(agreement, RoamingJson.Options));
        await stub.PutStateAsync(RoamingKeys.StatementKey(stub, agreementId, period), JsonSerializer.SerializeToUtf8Bytes(state, RoamingJson.Options));
        await stub.PutPrivateDataAsync(collection, RoamingKeys.FiguresKey(stub, agreementId, period), figureBytes);
    }

    public async Task<StatementState> StatementAsync(string agreementId, string period = "2025-01")
        => (await Roaming.Ok<StatementView>(A, "GetStatement", [agreementId, period])).State;

    public static string N(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
