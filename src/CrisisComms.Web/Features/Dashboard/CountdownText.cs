using System.Globalization;

namespace CrisisComms.Web.Features.Dashboard;

/// <summary>How a <see cref="Countdown"/> reads.</summary>
public enum CountdownKind
{
    /// <summary>The promise made to the public: "next update due in 12 min", then the overdue alarm.</summary>
    NextUpdate,
    /// <summary>A scheduled statement: "goes out in 0:45".</summary>
    GoesOut,
}

/// <summary>The words of a countdown; kept apart from the component so the rounding is testable.</summary>
public static class CountdownText
{
    /// <summary>A scheduled publication still "going out" this long after its time is late enough to say so.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    /// <summary>How close a promised update must be to be shown as urgent.</summary>
    public static readonly TimeSpan SoonWithin = TimeSpan.FromMinutes(15);

    /// <summary>"0:45", "12:05", "1:02:03", "2 d 01:02:03": rounded up, so 0:00 is shown only when it is due.</summary>
    public static string Clock(TimeSpan span)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, span.TotalSeconds));
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays} d {t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}")
            : t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    /// <summary>"less than a minute", "12 min", "3 h 20 min", "2 d 4 h" (whole units, rounded down).</summary>
    public static string Words(TimeSpan span)
    {
        var t = span.Duration();
        return t.TotalMinutes < 1 ? "less than a minute"
            : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min"
            : t.TotalDays < 1 ? $"{(int)t.TotalHours} h {t.Minutes} min"
            : $"{(int)t.TotalDays} d {t.Hours} h";
    }
}
