using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Fabric;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// The problem types one bounded context (EIR, roaming, numbers, audit, or the generic ledger endpoints) answers ledger
/// failures with. A refusal's code picks the type, the same for every endpoint of the context:
/// <c>invalid-argument</c> → <c>{domain}-invalid</c> (400), <c>forbidden</c> → <c>{domain}-forbidden</c> (403),
/// <c>not-found</c> → <c>{domain}-not-found</c> (404), <c>conflict</c> → <c>{domain}-conflict</c> (409),
/// <c>failed-precondition</c> → <c>{domain}-failed-precondition</c> (409: HTTP keeps 412 for conditional request
/// headers), any other code → <c>chaincode-rejected</c> (422); a transaction invalidated at commit is
/// <c>transaction-not-committed</c> (409), no chaincode answer <c>peer-unavailable</c> (503, retry), a passed deadline
/// <c>ledger-timeout</c> (504). Every refusal's problem carries the code as <c>code</c>, and <c>transactionId</c> when
/// there is one.
/// </summary>
/// <remarks>
/// An endpoint that calls the ledger declares its context with <see cref="LedgerProblemExtensions.ProducesLedgerProblems{TBuilder}"/>;
/// the one endpoint filter on <c>/v1</c> (<see cref="LedgerProblemExtensions.AnswerLedgerFailuresAsProblems"/>) maps
/// every <see cref="LedgerException"/> with it, and <c>/problems</c> and the OpenAPI document list its types.
/// </remarks>
internal sealed class LedgerProblemTypes
{
    private readonly IReadOnlyDictionary<string, string> _codeAliases;

    /// <summary>The generic ledger endpoints (<c>/v1/ledger</c>): callers run chaincode functions themselves, so they see the chaincode's text.</summary>
    public static LedgerProblemTypes Chaincode { get; } = new("chaincode", "chaincode", showsUncodedMessages: true);

    /// <param name="domain">The problem-name prefix, e.g. <c>eir</c>.</param>
    /// <param name="displayName">How titles name the context, e.g. <c>EIR</c>.</param>
    /// <param name="showsUncodedMessages">
    /// Whether a chaincode failure without a code shows its message. Off for domain endpoints: such text is the
    /// chaincode's internals (keys, exceptions), not an answer for their callers.
    /// </param>
    /// <param name="codeAliases">
    /// A context's own refusal codes and the generic code each answers as (e.g. <c>period-open</c> →
    /// <c>failed-precondition</c>); the problem still carries the chaincode's own code as <c>code</c>.
    /// </param>
    public LedgerProblemTypes(string domain, string displayName, bool showsUncodedMessages = false, IReadOnlyDictionary<string, string>? codeAliases = null)
    {
        _codeAliases = codeAliases ?? new Dictionary<string, string>();
        Domain = domain;
        DisplayName = displayName;
        ShowsUncodedMessages = showsUncodedMessages;
        InvalidArgument = new($"{domain}-invalid", 400, $"Invalid {displayName} request");
        Forbidden = new($"{domain}-forbidden", 403, $"Not allowed by the {displayName} rules");
        NotFound = new($"{domain}-not-found", 404, $"No such {displayName} resource");
        Conflict = new($"{domain}-conflict", 409, $"Conflicts with the {displayName} ledger");
        FailedPrecondition = new($"{domain}-failed-precondition", 409, $"The {displayName} ledger is not in the state the request needs");
        Types = [InvalidArgument, Forbidden, NotFound, Conflict, FailedPrecondition];
    }

    public string Domain { get; }

    public string DisplayName { get; }

    public bool ShowsUncodedMessages { get; }

    /// <summary>Bad input (<c>invalid-argument</c>); also what the context's own input checks answer with.</summary>
    public ProblemType InvalidArgument { get; }

    public ProblemType Forbidden { get; }

    public ProblemType NotFound { get; }

    public ProblemType Conflict { get; }

    public ProblemType FailedPrecondition { get; }

    /// <summary>The context's own types (the shared ledger types are in <see cref="ProblemTypes.All"/>).</summary>
    public IReadOnlyList<ProblemType> Types { get; }

    /// <summary>The problem type of a failure.</summary>
    public ProblemType TypeOf(LedgerException failure) => failure.Failure switch
    {
        LedgerFailure.Rejected => (failure.Code is { } own && _codeAliases.TryGetValue(own, out var alias) ? alias : failure.Code) switch
        {
            ChaincodeErrorCodes.InvalidArgument => InvalidArgument,
            ChaincodeErrorCodes.Forbidden => Forbidden,
            ChaincodeErrorCodes.NotFound => NotFound,
            ChaincodeErrorCodes.Conflict => Conflict,
            ChaincodeErrorCodes.FailedPrecondition => FailedPrecondition,
            _ => ProblemTypes.ChaincodeRejected,
        },
        LedgerFailure.NotCommitted => ProblemTypes.TransactionNotCommitted,
        LedgerFailure.Timeout => ProblemTypes.LedgerTimeout,
        _ => ProblemTypes.PeerUnavailable,
    };

    /// <summary>The problem answer of a failure: its type, a detail safe for the caller, the code and transaction.</summary>
    public IResult ToProblem(LedgerException failure)
    {
        var extensions = new Dictionary<string, object?>();
        if (failure.Code is { } code)
        {
            extensions["code"] = code;
        }

        if (failure.TransactionId is { } transactionId)
        {
            extensions["transactionId"] = transactionId;
        }

        return Problems.Result(TypeOf(failure), Detail(failure), extensions.Count == 0 ? null : extensions);
    }

    private string Detail(LedgerException failure)
    {
        var uncoded = failure is { Failure: LedgerFailure.Rejected, Code: ChaincodeErrorCodes.Internal };
        return uncoded && !ShowsUncodedMessages
            ? $"The {DisplayName} chaincode failed without giving a reason; the trace ID identifies the request in the logs."
            : failure.Message;
    }
}

/// <summary>How endpoints declare and answer ledger failures.</summary>
internal static partial class LedgerProblemExtensions
{
    /// <summary>
    /// The endpoint calls the ledger: its failures are answered with <paramref name="types"/>, which the OpenAPI
    /// document lists as its responses (with the problem schema) and <c>/problems</c> lists as types.
    /// </summary>
    public static TBuilder ProducesLedgerProblems<TBuilder>(this TBuilder builder, LedgerProblemTypes types)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(types);
        // The same filter /v1 carries, so the endpoint answers alike in a host that maps it without /v1's conventions.
        builder.AddEndpointFilter(AnswerLedgerFailuresAsProblems);
        foreach (var status in new[] { 400, 403, 404, 409, 422, 503, 504 })
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), [Problems.ContentType]));
        }

        return builder;
    }

    /// <summary>
    /// The one endpoint filter (on <c>/v1</c>) that turns ledger failures into problem answers inside the endpoint, with
    /// the endpoint's <see cref="LedgerProblemTypes"/> (<see cref="LedgerProblemTypes.Chaincode"/> when it declares none),
    /// so the idempotency layer stores a refusal (4xx) like any other answer.
    /// </summary>
    public static async ValueTask<object?> AnswerLedgerFailuresAsProblems(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (LedgerException failure)
        {
            var http = context.HttpContext;
            var types = http.GetEndpoint()?.Metadata.GetMetadata<LedgerProblemTypes>() ?? LedgerProblemTypes.Chaincode;
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Restcomm.Gateway.Api.Errors");
            LogLedgerFailure(logger, failure.Failure, failure.Code, failure.TransactionId);
            return types.ToProblem(failure);
        }
    }

    /// <summary>Every problem type the endpoints can answer with: the shared ones and those of each context declared.</summary>
    public static IReadOnlyList<ProblemType> AllProblemTypes(IEnumerable<Endpoint> endpoints)
    {
        var contexts = endpoints
            .SelectMany(e => e.Metadata.GetOrderedMetadata<LedgerProblemTypes>())
            .Append(LedgerProblemTypes.Chaincode)
            .Distinct()
            .SelectMany(c => c.Types);
        return [.. ProblemTypes.All.Concat(contexts).DistinctBy(t => t.Slug)];
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Ledger call failed: {Failure} {Code} (transaction {TransactionId})")]
    internal static partial void LogLedgerFailure(ILogger logger, LedgerFailure failure, string? code, string? transactionId);
}
