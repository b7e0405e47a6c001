namespace Restcomm.Numbers;

/// <summary>
/// A numbering rule refused something. <see cref="Code"/> is a stable machine-readable code (<c>numbers-…</c>, or one
/// of the generic codes <c>invalid-argument</c>, <c>forbidden</c>, <c>not-found</c>, <c>conflict</c>,
/// <c>failed-precondition</c>) and <see cref="Status"/> the HTTP-like status the chaincode and the REST API answer with.
/// </summary>
public sealed class NumberRuleException : Exception
{
    /// <summary>A number is not valid E.164 (400).</summary>
    public const string InvalidE164 = "numbers-invalid-e164";

    /// <summary>A record, capability, consent or CNAM is malformed (400).</summary>
    public const string InvalidRecord = "numbers-invalid-record";

    /// <summary>The caller is not the serving provider of the number (403).</summary>
    public const string NotServingProvider = "numbers-not-serving-provider";

    /// <summary>The number (or block, or port) is not on the ledger (404).</summary>
    public const string Unknown = "numbers-unknown";

    /// <summary>A block overlaps another (409).</summary>
    public const string BlockOverlap = "numbers-block-overlap";

    /// <summary>A port is open for the number, so it cannot be withdrawn or ported again (409).</summary>
    public const string PortPending = "numbers-port-pending";

    /// <summary>The port is not in a state that allows the step (409).</summary>
    public const string PortState = "numbers-port-state";

    /// <summary>The port cannot activate yet: the donor has neither concurred nor let its due time pass (409).</summary>
    public const string PortNotDue = "numbers-port-not-due";

    /// <summary>The caller is not the party of the port that may take this step (403).</summary>
    public const string PortParty = "numbers-port-party";

    /// <summary>Creates a refusal.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">What was refused and why.</param>
    /// <param name="status">400, 403, 404, 409; 0 picks the code's own.</param>
    public NumberRuleException(string code, string message, int status = 0)
        : base(message)
    {
        Code = code;
        Status = status != 0 ? status : StatusOf(code);
    }

    /// <summary>Creates a refusal with code <see cref="InvalidRecord"/> (400).</summary>
    public NumberRuleException()
        : this(InvalidRecord, "invalid number record")
    {
    }

    /// <summary>Creates a refusal with code <see cref="InvalidRecord"/> (400).</summary>
    /// <param name="message">What is wrong.</param>
    public NumberRuleException(string message)
        : this(InvalidRecord, message)
    {
    }

    /// <summary>Creates a refusal with code <see cref="InvalidRecord"/> (400) and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NumberRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = InvalidRecord;
        Status = 400;
    }

    /// <summary>The stable code.</summary>
    public string Code { get; } = InvalidRecord;

    /// <summary>The HTTP-like status.</summary>
    public int Status { get; } = 400;

    /// <summary>The generic code each <c>numbers-…</c> code answers as (for the REST API's one mapping).</summary>
    public static IReadOnlyDictionary<string, string> GenericCodes { get; } = new Dictionary<string, string>
    {
        [InvalidE164] = "invalid-argument",
        [InvalidRecord] = "invalid-argument",
        [NotServingProvider] = "forbidden",
        [PortParty] = "forbidden",
        [Unknown] = "not-found",
        [BlockOverlap] = "conflict",
        [PortPending] = "conflict",
        [PortState] = "failed-precondition",
        [PortNotDue] = "failed-precondition",
    };

    private static int StatusOf(string code) => (GenericCodes.TryGetValue(code, out var generic) ? generic : code) switch
    {
        "forbidden" => 403,
        "not-found" => 404,
        "conflict" => 409,
        "failed-precondition" => 412,
        _ => 400,
    };

    /// <summary>A refusal with code <see cref="InvalidRecord"/> (400).</summary>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception to throw.</returns>
    public static NumberRuleException Invalid(string message) => new(InvalidRecord, message);
}
