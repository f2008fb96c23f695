using System.Globalization;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>Turning "09:00 on Sunday in Sydney" into an exact instant, honestly across daylight-saving changes.</summary>
public static class ScheduleTime
{
    /// <summary>
    /// Reads a local date and time in <paramref name="zone"/>. A time skipped when clocks go forward is
    /// refused; a time that happens twice when clocks go back means the first (daylight-saving) one,
    /// and <paramref name="note"/> says so.
    /// </summary>
    public static bool TryToUtc(DateTime local, TimeZoneInfo zone, out DateTimeOffset utc, out string? note, out string? error)
    {
        (utc, note, error) = (default, null, null);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            error = $"{unspecified:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks jump forward then. Choose a time before or after the change.";
            return false;
        }
        if (zone.IsAmbiguousTime(unspecified))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(unspecified);
            var first = offsets.Max(); // the daylight-saving offset comes first in the night
            utc = new DateTimeOffset(unspecified, first).ToUniversalTime();
            note = $"{unspecified:yyyy-MM-dd HH:mm} happens twice in {zone.Id} (clocks go back); this is the first one, UTC{(first < TimeSpan.Zero ? "-" : "+")}{first:hh\\:mm}.";
            return true;
        }
        utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
        return true;
    }

    /// <summary>The same for the "yyyy-MM-ddTHH:mm" of an &lt;input type="datetime-local"&gt;.</summary>
    public static bool TryParseLocal(string? input, TimeZoneInfo zone, out DateTimeOffset utc, out string? note, out string? error)
    {
        (utc, note) = (default, null);
        if (string.IsNullOrWhiteSpace(input) || !DateTime.TryParse(input, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            error = "Choose a date and time.";
            return false;
        }
        return TryToUtc(local, zone, out utc, out note, out error);
    }
}
