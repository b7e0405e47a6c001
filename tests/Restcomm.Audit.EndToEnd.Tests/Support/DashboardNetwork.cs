namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// The audit network with two operators' APIs anchoring as <c>make run</c>'s do (ranges of <c>Audit:EveryBlocks</c>, 100,
/// and what is applied once <see cref="AnchoringInterval"/> has passed), only with a short interval, and the regulator's
/// API verifying every anchor by itself.
/// </summary>
public sealed class DashboardNetwork : AuditNetwork
{
    /// <summary>The operators' <c>Audit:Interval</c> here (make run's default is 5 minutes).</summary>
    public static readonly TimeSpan AnchoringInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the anchoring and verification services look for work (<c>Audit:PollInterval</c>).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private static readonly Dictionary<string, string> Anchoring = new()
    {
        ["Audit:Interval"] = AnchoringInterval.ToString("c"),
        ["Audit:PollInterval"] = PollInterval.ToString("c"),
    };

    private readonly SemaphoreSlim _once = new(1, 1);
    private Task<LiveFigures>? _figures;

    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Apis { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [Org1] = Anchoring,
            [Org2] = Anchoring,
            [Regulator] = new Dictionary<string, string> { ["Audit:PollInterval"] = PollInterval.ToString("c") },
        };

    /// <summary>
    /// Runs <paramref name="scenario"/> once for this network and answers its outcome to every caller: the tests of the
    /// class look at the same reports, publications and anchors from different sides (the API, the browser).
    /// </summary>
    internal async Task<LiveFigures> OnceAsync(Func<DashboardNetwork, Task<LiveFigures>> scenario)
    {
        await _once.WaitAsync();
        try
        {
            return await (_figures ??= scenario(this));
        }
        finally
        {
            _once.Release();
        }
    }
}

/// <summary>What the operators wrote, how high the source channels got, and how long the regulator took to show it.</summary>
/// <param name="Reported">EIR entries reported per operator.</param>
/// <param name="Cleared">EIR entries cleared per operator.</param>
/// <param name="Published">Numbers published per provider.</param>
/// <param name="Black">Black-list entries standing at the end.</param>
/// <param name="Grey">Grey-list entries standing at the end.</param>
/// <param name="Heights">Each source channel's height once every write was answered.</param>
/// <param name="FiguresShownAfter">From the last write's answer until the regulator's dashboard data showed every figure.</param>
/// <param name="VerifiedAfter">From the last write's answer until anchors covered every written block and the regulator had verified them all.</param>
internal sealed record LiveFigures(
    IReadOnlyDictionary<string, long> Reported,
    IReadOnlyDictionary<string, long> Cleared,
    IReadOnlyDictionary<string, long> Published,
    long Black,
    long Grey,
    IReadOnlyDictionary<string, long> Heights,
    TimeSpan FiguresShownAfter,
    TimeSpan VerifiedAfter);
