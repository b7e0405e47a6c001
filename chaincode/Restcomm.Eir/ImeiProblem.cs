namespace Restcomm.Eir;

/// <summary>What is wrong with a piece of text that was meant to be an IMEI.</summary>
public enum ImeiProblem
{
    /// <summary>Nothing: the text is a valid IMEI or IMEISV.</summary>
    None = 0,

    /// <summary>The text is empty.</summary>
    Empty,

    /// <summary>The text has a character other than the digits 0-9.</summary>
    NonDigit,

    /// <summary>The text has neither 15 digits (IMEI) nor 16 digits (IMEISV).</summary>
    WrongLength,

    /// <summary>The 15th digit is not the Luhn check digit computed over the first 14.</summary>
    WrongCheckDigit,
}

/// <summary>Thrown when text is not a valid IMEI; the message names the problem.</summary>
public sealed class ImeiFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="input"/> and its <paramref name="problem"/>.</summary>
    public ImeiFormatException(string input, ImeiProblem problem)
        : base(Imei.Describe(input, problem))
    {
        Input = input;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message only (problem unknown).</summary>
    public ImeiFormatException()
        : this(string.Empty, ImeiProblem.Empty)
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public ImeiFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Input = string.Empty;
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public ImeiFormatException(string message)
        : base(message)
    {
        Input = string.Empty;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Input { get; }

    /// <summary>What is wrong with it.</summary>
    public ImeiProblem Problem { get; }
}
