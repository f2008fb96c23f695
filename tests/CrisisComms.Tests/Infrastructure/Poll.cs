using System.Diagnostics;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>Waits for something the app does in the background (a snapshot, a hub message), failing with a message after a limit.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<T?> probe, TimeSpan limit, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        do
        {
            if (probe() is { } found) return found;
        }
        while (clock.Elapsed < limit && await tick.WaitForNextTickAsync());
        throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:0} s.");
    }

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds or the limit passes; returns the last value read (the caller asserts on it).</summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > limit) return value;
            await tick.WaitForNextTickAsync();
        }
    }
}
