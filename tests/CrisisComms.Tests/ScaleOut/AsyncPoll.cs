using System.Diagnostics;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// <see cref="Infrastructure.Poll"/> for probes that are themselves asynchronous (an HTTP request to another process):
/// each probe is awaited before the next tick, and the failure names what did not happen and, if given, what was seen last.
/// </summary>
internal static class AsyncPoll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan limit, string what, TimeSpan? interval = null, Func<string>? lastSeen = null)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(interval ?? TimeSpan.FromMilliseconds(100));
        do
        {
            if (await probe() is { } found) return found;
        }
        while (clock.Elapsed < limit && await tick.WaitForNextTickAsync());
        throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:0.#} s.{(lastSeen is null ? "" : " Last seen: " + lastSeen())}");
    }

    /// <summary>Waits (on a timer, not a sleep) until the wall clock has passed <paramref name="moment"/>.</summary>
    public static Task UntilTimeAsync(DateTimeOffset moment, string why) =>
        UntilAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= moment ? "" : null),
            moment - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(5), why, TimeSpan.FromMilliseconds(50));
}
