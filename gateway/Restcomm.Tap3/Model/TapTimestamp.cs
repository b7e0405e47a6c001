using System.Globalization;

namespace Restcomm.Tap3;

/// <summary>
/// A TAP local timestamp with the UTC offset it was recorded in. Call events carry a UTC-offset code that is
/// resolved through the file's UTC-offset table; file-level timestamps carry the offset itself.
/// </summary>
/// <param name="LocalTime">The local wall-clock time as written in the file (second precision).</param>
/// <param name="UtcOffsetCode">The UTC-offset code of a call-event timestamp; null for file-level timestamps.</param>
/// <param name="UtcOffsetMinutes">The offset from UTC in minutes; null when the code is not in the file's table.</param>
public readonly record struct TapTimestamp(DateTime LocalTime, int? UtcOffsetCode, int? UtcOffsetMinutes)
{
    /// <summary>The instant in UTC; null when the offset could not be resolved.</summary>
    public DateTime? Utc => UtcOffsetMinutes is int minutes
        ? DateTime.SpecifyKind(LocalTime.AddMinutes(-minutes), DateTimeKind.Utc)
        : null;

    /// <summary>The offset in TAP notation (<c>+hhmm</c>/<c>-hhmm</c>); null when unresolved.</summary>
    public string? UtcOffset => UtcOffsetMinutes is int minutes ? FormatOffset(minutes) : null;

    /// <summary>The local time in TAP notation <c>CCYYMMDDhhmmss</c>.</summary>
    public string LocalText => LocalTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Formats minutes as <c>+hhmm</c>.</summary>
    public static string FormatOffset(int minutes)
    {
        var sign = minutes < 0 ? '-' : '+';
        var abs = Math.Abs(minutes);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 60:D2}{abs % 60:D2}");
    }

    /// <summary>Parses <c>+hhmm</c>/<c>-hhmm</c>; false when malformed.</summary>
    public static bool TryParseOffset(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        if (text.Length != 5 || (text[0] != '+' && text[0] != '-'))
        {
            return false;
        }

        for (var i = 1; i < 5; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return false;
            }
        }

        var hours = ((text[1] - '0') * 10) + (text[2] - '0');
        var mins = ((text[3] - '0') * 10) + (text[4] - '0');
        if (hours > 15 || mins > 59)
        {
            return false;
        }

        minutes = (hours * 60) + mins;
        if (text[0] == '-')
        {
            minutes = -minutes;
        }

        return true;
    }
}
