using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>The render gate: renders take turns, a render that cannot get a turn in time is told the server is busy, and previews are counted per person.</summary>
public sealed class RenderGateTests
{
    private static RenderGate Gate(int concurrent = 1, int queueMs = 200, int burst = 2, int perSecond = 1) =>
        new(Microsoft.Extensions.Options.Options.Create(new RenderingOptions
        {
            MaxConcurrentRenders = concurrent, QueueTimeout = TimeSpan.FromMilliseconds(queueMs), PreviewBurst = burst, PreviewsPerSecond = perSecond,
        }));

    [Fact]
    public async Task A_render_that_gets_no_turn_in_time_is_503_and_the_next_one_runs_once_the_gate_is_free()
    {
        using var gate = Gate();
        using var release = new ManualResetEventSlim();
        var first = gate.RunAsync(() => { release.Wait(TimeSpan.FromSeconds(30)); return 1; });

        var busy = await Assert.ThrowsAsync<TooManyRequestsException>(() => gate.RunAsync(() => 2));
        Assert.Equal(503, busy.Status);
        Assert.Contains("nothing was lost", busy.Message);

        release.Set();
        Assert.Equal(1, await first);
        Assert.Equal(3, await gate.RunAsync(() => 3));
    }

    [Fact]
    public async Task Renders_never_run_more_at_once_than_the_gate_allows()
    {
        using var gate = Gate(concurrent: 2, queueMs: 30_000);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var renders = Enumerable.Range(0, 12).Select(_ => gate.RunAsync(() =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref running));
            release.Wait(TimeSpan.FromSeconds(30)); // held until the test has seen the gate full
            Interlocked.Decrement(ref running);
            return 0;
        })).ToList();

        await Poll.UntilAsync(() => Volatile.Read(ref running) == 2 ? "full" : null, TimeSpan.FromSeconds(10), "two renders running at once");
        release.Set();
        await Task.WhenAll(renders);

        Assert.Equal(2, most);
    }

    [Fact]
    public void A_persons_previews_are_counted_apart_from_everyone_elses()
    {
        using var gate = Gate(burst: 2);
        gate.TakePreview("a");
        gate.TakePreview("a");

        var limited = Assert.Throws<TooManyRequestsException>(() => gate.TakePreview("a"));
        Assert.Equal(429, limited.Status);
        gate.TakePreview("b");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
