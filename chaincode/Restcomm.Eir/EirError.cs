namespace Restcomm.Eir;

/// <summary>Why the EIR rules refused a request; each travels as a chaincode error code with its status.</summary>
public enum EirErrorKind
{
    /// <summary>Bad input: code <c>invalid-argument</c> (400).</summary>
    Invalid = 400,

    /// <summary>The caller may not do this: code <c>forbidden</c> (403).</summary>
    Forbidden = 403,

    /// <summary>No such entry or delegate: code <c>not-found</c> (404).</summary>
    NotFound = 404,
}

/// <summary>
/// A refusal by the EIR rules. The eir chaincode turns it into a coded chaincode refusal (the code of its
/// <see cref="Kind"/>, the message as it is), which a client reads back from the Fabric error as the chaincode's
/// status, code and message; nothing is recovered from the text.
/// </summary>
public sealed class EirException : Exception
{
    /// <summary>Creates the refusal.</summary>
    /// <param name="kind">Why.</param>
    /// <param name="message">What was refused and why, in the caller's terms.</param>
    public EirException(EirErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal.</summary>
    public EirException()
        : this(EirErrorKind.Invalid, "The request was refused.")
    {
    }

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal.</summary>
    /// <param name="message">What is wrong with the input.</param>
    public EirException(string message)
        : this(EirErrorKind.Invalid, message)
    {
    }

    /// <summary>Creates an <see cref="EirErrorKind.Invalid"/> refusal with a cause.</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="innerException">The cause.</param>
    public EirException(string message, Exception innerException)
        : base(message, innerException) => Kind = EirErrorKind.Invalid;

    /// <summary>The kind of refusal.</summary>
    public EirErrorKind Kind { get; }
}
