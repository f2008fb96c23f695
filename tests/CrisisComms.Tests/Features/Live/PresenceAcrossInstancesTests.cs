using System.Collections.Concurrent;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Tests.ScaleOut;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Options;
using CrisisComms.Web.Infrastructure.ScaleOut;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisComms.Tests.Features.Live;

/// <summary>
/// Presence with two instances on a real redis-server: someone viewing or editing a statement on instance A is shown
/// on instance B, and disappears there when they close it — or, if A goes away without a word, once A's heartbeats stop.
/// </summary>
public sealed class PresenceAcrossInstancesTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = "presence-test-" + Guid.NewGuid().ToString("n")[..12];
    private readonly Guid _statement = Guid.NewGuid();
    private readonly List<IAsyncDisposable> _cleanup = [];

    private sealed record Instance(PresenceTracker Presence, RedisChangeFeed Feed, ConcurrentQueue<ChangeEvent> Heard) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Presence.Dispose();
            await Feed.StopAsync(CancellationToken.None);
        }
    }

    private async Task<Instance> StartInstanceAsync()
    {
        var connection = new RedisConnection(
            Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = RedisServer.Shared.Configuration, ChannelPrefix = _prefix }),
            NullLogger<RedisConnection>.Instance);
        _cleanup.Add(connection);
        var feed = new RedisChangeFeed(connection, NullLogger<RedisChangeFeed>.Instance, NullLogger<InProcessChangeFeed>.Instance);
        await feed.StartAsync(CancellationToken.None);
        await feed.Subscribed.WaitAsync(Limit);
        var heard = new ConcurrentQueue<ChangeEvent>();
        feed.Subscribe(c => { heard.Enqueue(c); return Task.CompletedTask; });
        var instance = new Instance(new PresenceTracker(feed, _clock), feed, heard);
        _cleanup.Insert(0, instance);
        return instance;
    }

    private static Task<PresenceEntry> SeenAsync(Instance on, Guid statement, Func<PresenceEntry, bool> what, string description) =>
        Poll.UntilAsync(() => on.Presence.Others(statement, "someone-else").FirstOrDefault(what), Limit, description);

    [Fact]
    public async Task Someone_viewing_and_then_editing_on_A_is_shown_on_B_until_they_close_it()
    {
        var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();

        var alex = a.Presence.Join(_statement, "alex", "Alex Author");
        var viewing = await SeenAsync(b, _statement, e => e.UserId == "alex", "B showing Alex viewing");
        Assert.Equal("Alex Author", viewing.Name);
        Assert.False(viewing.Editing);

        alex.SetEditing(true);
        await SeenAsync(b, _statement, e => e.UserId == "alex" && e.Editing, "B showing Alex editing");
        // A page on B is told after B's tracker has it, so reading Others() then is never stale.
        await Poll.UntilAsync(() => b.Heard.LastOrDefault(c => c.IsPresence && c.Presence is null && c.Summary.Contains("started editing")), Limit,
            "B's pages being told Alex started editing");

        alex.Dispose();
        await Poll.UntilAsync(() => b.Presence.Others(_statement, "someone-else").Count == 0 ? "" : null, Limit, "B no longer showing Alex");
        Assert.Empty(a.Presence.Others(_statement, "someone-else"));
    }

    [Fact]
    public async Task A_page_on_an_instance_that_keeps_beating_stays_and_one_whose_instance_went_silent_is_dropped()
    {
        var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();
        using var alex = a.Presence.Join(_statement, "alex", "Alex Author");
        await SeenAsync(b, _statement, e => e.UserId == "alex", "B showing Alex");
        var firstHeard = b.Presence.LastHeardFromElsewhere(_statement, "alex");

        // A's heartbeat: Alex still there, heard anew on B.
        _clock.Advance(PresenceTracker.HeartbeatEvery);
        await Poll.UntilAsync(() => b.Presence.LastHeardFromElsewhere(_statement, "alex") > firstHeard ? "" : null, Limit, "B hearing A's heartbeat");
        var secondHeard = b.Presence.LastHeardFromElsewhere(_statement, "alex");
        _clock.Advance(PresenceTracker.RemoteExpiry - PresenceTracker.HeartbeatEvery + TimeSpan.FromSeconds(1)); // past the first sighting's expiry, and A's next beat
        Assert.Contains(b.Presence.Others(_statement, "someone-else"), e => e.UserId == "alex");
        // That next beat is on its way; let it land before A goes, or it would count as heard after the jump below.
        await Poll.UntilAsync(() => b.Presence.LastHeardFromElsewhere(_statement, "alex") > secondHeard ? "" : null, Limit, "B hearing A's second heartbeat");

        // A stops without closing anything (a crash, a lost Redis): no more heartbeats, so B lets Alex go and tells its pages.
        await a.DisposeAsync();
        _cleanup.Remove(a);
        _clock.Advance(PresenceTracker.RemoteExpiry + TimeSpan.FromSeconds(1));
        Assert.Empty(b.Presence.Others(_statement, "someone-else"));
        await Poll.UntilAsync(() => b.Heard.FirstOrDefault(c => c.IsPresence && c.Summary == "Alex Author is no longer seen"), Limit,
            "B's pages being told Alex is gone");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
    }
}
