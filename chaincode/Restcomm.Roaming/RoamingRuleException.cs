namespace Restcomm.Roaming;

/// <summary>
/// A roaming rule refused something. <see cref="Code"/> is a stable machine-readable code (lower-case words and
/// hyphens, e.g. <c>merkle-root-mismatch</c>) and <see cref="Status"/> the HTTP-like status the chaincode and the
/// REST API answer with.
/// </summary>
public sealed class RoamingRuleException : Exception
{
    /// <summary>Creates a refusal.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">What was refused and why.</param>
    /// <param name="status">400, 403, 404, 409 or 412.</param>
    public RoamingRuleException(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    /// <summary>Creates a refusal with code <c>invalid-argument</c> (400).</summary>
    public RoamingRuleException()
        : this("invalid-argument", "invalid roaming input")
    {
    }

    /// <summary>Creates a refusal with code <c>invalid-argument</c> (400).</summary>
    /// <param name="message">What is wrong.</param>
    public RoamingRuleException(string message)
        : this("invalid-argument", message)
    {
    }

    /// <summary>Creates a refusal with code <c>invalid-argument</c> (400) and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RoamingRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid-argument";
        Status = 400;
    }

    /// <summary>The stable code.</summary>
    public string Code { get; } = "invalid-argument";

    /// <summary>The HTTP-like status.</summary>
    public int Status { get; } = 400;

    internal static RoamingRuleException Invalid(string message) => new("invalid-argument", message);
}
