namespace Restcomm.Peering;

/// <summary>A peering rule refused the input: a stable code (<c>invalid-profile</c>, ...) and a message in the caller's terms.</summary>
public sealed class PeeringRuleException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="status">The status the chaincode answers with (400 unless said otherwise).</param>
    public PeeringRuleException(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    /// <summary>Creates an <c>invalid-profile</c> refusal.</summary>
    public PeeringRuleException()
        : this("invalid-profile", "the profile is invalid")
    {
    }

    /// <summary>Creates an <c>invalid-profile</c> refusal with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public PeeringRuleException(string message)
        : this("invalid-profile", message)
    {
    }

    /// <summary>Creates an <c>invalid-profile</c> refusal with a message and the cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PeeringRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid-profile";
        Status = 400;
    }

    /// <summary>The stable code.</summary>
    public string Code { get; } = "invalid-profile";

    /// <summary>The status (400 or more).</summary>
    public int Status { get; } = 400;
}
