using System.Globalization;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>Deployment choices of the settlement contract (the same on every endorsing peer).</summary>
internal sealed record SettlementPolicy
{
    /// <summary>
    /// Environment variable: the channels' member MSP IDs (the chaincode cannot read the channel configuration), either
    /// one comma-separated list for every channel (<c>Org1MSP,Org2MSP,Org3MSP</c>) or a list per channel, separated by
    /// semicolons (<c>roaming-emea=Org1MSP,Org2MSP,Org3MSP;roaming-apac=Org2MSP,Org3MSP</c>); a list without a channel
    /// name applies to the channels not named. One chaincode server serves every channel it is defined on.
    /// </summary>
    public const string MembersVariable = "SETTLEMENT_MEMBER_MSPS";

    /// <summary>Environment variable: jurors drawn per dispute.</summary>
    public const string JurorsVariable = "SETTLEMENT_JURORS";

    /// <summary>Environment variable: each juror's voting fee in RCB minor units.</summary>
    public const string VotingFeeVariable = "SETTLEMENT_VOTING_FEE";

    /// <summary>Environment variable: the smallest pledge.</summary>
    public const string MinimumPledgeVariable = "SETTLEMENT_MIN_PLEDGE";

    /// <summary>Environment variable: the shortest commit or reveal window in seconds.</summary>
    public const string MinimumVoteSecondsVariable = "SETTLEMENT_MIN_VOTE_SECONDS";

    /// <summary>
    /// The channel's members: who votes on supply changes (a strict majority carries one), who may hold accounts and
    /// who can be drawn as a juror. Empty refuses governance and disputes.
    /// </summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Members of the channels named in <see cref="MembersVariable"/>, where they differ from <see cref="Members"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ChannelMembers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The policy on one channel: its own member list when it has one.</summary>
    /// <param name="channelId">The transaction's channel.</param>
    /// <returns>The policy with that channel's <see cref="Members"/>.</returns>
    public SettlementPolicy ForChannel(string channelId)
        => ChannelMembers.TryGetValue(channelId, out var members) ? this with { Members = members } : this;

    /// <summary>The token's decimals.</summary>
    public int TokenDecimals { get; init; } = 2;

    /// <summary>Jurors drawn per dispute (fewer when fewer members are eligible).</summary>
    public int Jurors { get; init; } = 3;

    /// <summary>Each juror's voting fee.</summary>
    public long VotingFee { get; init; } = 100;

    /// <summary>The smallest pledge.</summary>
    public long MinimumPledge { get; init; } = 1_000;

    /// <summary>The shortest commit or reveal window.</summary>
    public int MinimumVoteSeconds { get; init; } = 3_600;

    /// <summary>The longest commit or reveal window (30 days).</summary>
    public int MaximumVoteSeconds { get; init; } = 30 * 24 * 3_600;

    public static SettlementPolicy FromEnvironment()
    {
        var policy = new SettlementPolicy();
        if (Environment.GetEnvironmentVariable(MembersVariable) is { } members)
        {
            policy = policy.WithMembers(members);
        }

        policy = policy with
        {
            Jurors = (int)Number(JurorsVariable, policy.Jurors),
            VotingFee = Number(VotingFeeVariable, policy.VotingFee),
            MinimumPledge = Number(MinimumPledgeVariable, policy.MinimumPledge),
            MinimumVoteSeconds = (int)Number(MinimumVoteSecondsVariable, policy.MinimumVoteSeconds),
        };
        return policy;
    }

    /// <summary>This policy with the member lists of a <see cref="MembersVariable"/> value.</summary>
    /// <param name="text">The value.</param>
    /// <returns>The policy.</returns>
    public SettlementPolicy WithMembers(string text)
    {
        IReadOnlyList<string> everywhere = [];
        var channels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var named = entry.IndexOf('=', StringComparison.Ordinal);
            var list = (named < 0 ? entry : entry[(named + 1)..])
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (named < 0)
            {
                everywhere = list;
            }
            else
            {
                channels[entry[..named].Trim()] = list;
            }
        }

        return this with { Members = everywhere, ChannelMembers = channels };
    }

    private static long Number(string variable, long fallback)
        => long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
