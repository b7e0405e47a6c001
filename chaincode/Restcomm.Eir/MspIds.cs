namespace Restcomm.Eir;

/// <summary>
/// What an organisation's MSP ID may look like where the EIR takes one from a caller (a delegate): letters, digits,
/// '.', '-' and '_', starting with a letter or digit, at most 64 characters. Fabric itself is laxer, but every MSP ID
/// of this consortium fits, and anything else (quotes, spaces, SQL or control characters) is refused before it is stored.
/// </summary>
public static class MspIds
{
    /// <summary>The rule, for messages.</summary>
    public const string Rule = "letters, digits, '.', '-' and '_', starting with a letter or digit, at most 64 characters";

    /// <summary>The longest MSP ID accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="mspId"/> follows <see cref="Rule"/>.</summary>
    /// <param name="mspId">The candidate.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsWellFormed(string? mspId)
    {
        if (string.IsNullOrEmpty(mspId) || mspId.Length > MaxLength || !char.IsAsciiLetterOrDigit(mspId[0]))
        {
            return false;
        }

        foreach (var c in mspId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
