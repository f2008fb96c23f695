using System.Globalization;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>
/// Shows and reads times in the organisation's time zone for staff pages (stored times are UTC), and fact values in its
/// culture. Holds no DbContext, so pages keep it for the circuit's lifetime.
/// </summary>
public sealed class StaffTime(IOptions<OrganisationOptions> org, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = org.Value.TimeZoneInfo;
    private readonly CultureInfo _culture = CultureInfo.GetCultureInfo(org.Value.Culture);

    public string ZoneId => org.Value.TimeZone;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>"Tue 24 Nov 2026, 4:00 pm" in the organisation's zone, or "—".</summary>
    public string Show(DateTimeOffset? t) => t is { } v ? FactValues.FormatTime(v, _culture, _zone) : "—";

    /// <summary>A fact value as readers see it ("6,000,000"): what <see cref="IncidentService.Display"/> shows, without a service call.</summary>
    public string ShowFact(FactType type, string value) => FactValues.Display(type, value, _culture, _zone);

    /// <summary>For an &lt;input type="datetime-local"&gt;: "2026-11-24T16:00" in the organisation's zone.</summary>
    public string ToInput(DateTimeOffset? t) =>
        t is { } v ? TimeZoneInfo.ConvertTime(v, _zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>Reads a datetime-local value as the organisation's local time; null when empty or unreadable.</summary>
    public DateTimeOffset? FromInput(string? input) =>
        // One reading of local times for every form, daylight-saving gaps and overlaps included.
        Publishing.ScheduleTime.TryParseLocal(input, _zone, out var utc, out _, out _) ? utc : null;

    /// <summary>"in 3 h 20 min" / "45 min ago".</summary>
    public string Relative(DateTimeOffset t)
    {
        var span = t - Now;
        var abs = span.Duration();
        var text = abs.TotalMinutes < 1 ? "less than a minute"
            : abs.TotalHours < 1 ? $"{(int)abs.TotalMinutes} min"
            : abs.TotalDays < 1 ? $"{(int)abs.TotalHours} h {abs.Minutes} min"
            : $"{(int)abs.TotalDays} d {abs.Hours} h";
        return span >= TimeSpan.Zero ? "in " + text : text + " ago";
    }
}
