using CrisisComms.Web.Infrastructure.Options;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>How scheduled statements are triggered.</summary>
public sealed class PublishingOptions : ISelfValidatingOptions
{
    public static string Section => "Publishing";

    /// <summary>Arm an in-process timer for the next due statement (publishes within milliseconds of its time). Off: Hangfire polling alone.</summary>
    public bool PreciseTimer { get; set; } = true;

    /// <summary>How often overdue scheduled statements are looked for (after a crash, a lost job, a clock jump).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Hangfire's delayed-job polling. Its default (15 s) is far too slow for "publish at 09:00:00".</summary>
    public TimeSpan HangfirePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Seconds between retries of a failed publish (database locked, disk full). Hangfire's default waits hours.</summary>
    public int[] RetryDelaysSeconds { get; set; } = [1, 2, 3, 5, 10, 15, 30, 60];

    /// <summary>Hangfire worker threads.</summary>
    public int Workers { get; set; } = 4;

    public IEnumerable<string> Validate()
    {
        if (SweepInterval < TimeSpan.FromMilliseconds(100) || SweepInterval > TimeSpan.FromMinutes(10))
            yield return "Publishing:SweepInterval must be between 00:00:00.1 and 00:10:00.";
        if (HangfirePollingInterval < TimeSpan.FromMilliseconds(100) || HangfirePollingInterval > TimeSpan.FromMinutes(5))
            yield return "Publishing:HangfirePollingInterval must be between 00:00:00.1 and 00:05:00.";
        if (RetryDelaysSeconds.Length == 0 || RetryDelaysSeconds.Any(d => d < 1))
            yield return "Publishing:RetryDelaysSeconds must list at least one delay of 1 second or more.";
        if (Workers is < 1 or > 64)
            yield return "Publishing:Workers must be between 1 and 64.";
    }
}
