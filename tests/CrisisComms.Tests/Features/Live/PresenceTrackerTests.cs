using System.Collections.Concurrent;
using CrisisComms.Web.Features.Live;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisComms.Tests.Features.Live;

/// <summary>Who has a statement open and who is editing it, announced on the change feed as it changes.</summary>
public sealed class PresenceTrackerTests
{
    private readonly InProcessChangeFeed _feed = new(NullLogger<InProcessChangeFeed>.Instance);
    private readonly PresenceTracker _presence;
    private readonly Guid _statement = Guid.NewGuid();

    public PresenceTrackerTests() => _presence = new PresenceTracker(_feed, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T05:00:00Z")));

    [Fact]
    public void Others_see_who_is_viewing_and_who_started_editing_and_nobody_sees_themselves()
    {
        using var alex = _presence.Join(_statement, "alex", "Alex Author");
        using var sam = _presence.Join(_statement, "sam", "Sam Reviewer");

        Assert.Equal(["Sam Reviewer"], _presence.Others(_statement, "alex").Select(p => p.Name));
        Assert.False(_presence.Others(_statement, "sam").Single().Editing);

        alex.SetEditing(true);
        var seenBySam = Assert.Single(_presence.Others(_statement, "sam"));
        Assert.Equal("Alex Author", seenBySam.Name);
        Assert.True(seenBySam.Editing);
    }

    [Fact]
    public void Two_tabs_of_one_person_show_once_editing_wins_and_closing_both_removes_them()
    {
        var tab1 = _presence.Join(_statement, "alex", "Alex Author");
        var tab2 = _presence.Join(_statement, "alex", "Alex Author");
        tab2.SetEditing(true);

        Assert.True(Assert.Single(_presence.Others(_statement, "sam")).Editing);

        tab2.Dispose();
        Assert.False(Assert.Single(_presence.Others(_statement, "sam")).Editing);
        tab1.Dispose();
        tab1.Dispose(); // twice is harmless
        Assert.Empty(_presence.Others(_statement, "sam"));
    }

    [Fact]
    public async Task Every_change_is_announced_on_the_feed_for_that_statement()
    {
        var seen = new ConcurrentQueue<ChangeEvent>();
        using var _ = _feed.Subscribe(e => { seen.Enqueue(e); return Task.CompletedTask; });

        using (var alex = _presence.Join(_statement, "alex", "Alex Author"))
        {
            alex.SetEditing(true);
            alex.SetEditing(true); // no change, no announcement
        }

        var events = await CrisisComms.Tests.Infrastructure.Poll.UntilAsync(() => seen.Count >= 3 ? seen.ToList() : null, TimeSpan.FromSeconds(5), "three announcements");
        Assert.All(events, e => { Assert.True(e.IsPresence); Assert.Equal(_statement, e.StatementId); Assert.Equal("alex", e.ActorId); });
        Assert.Equal(["Alex Author opened it", "Alex Author started editing", "Alex Author closed it"], events.Select(e => e.Summary));
    }

    [Fact]
    public void Someone_whose_connection_drops_is_not_shown_until_it_comes_back_editing_as_they_left_it()
    {
        using var sam = _presence.Join(_statement, "sam", "Sam Reviewer");
        using var alex = _presence.Join(_statement, "alex", "Alex Author");
        alex.SetEditing(true);

        alex.SetConnected(false);
        Assert.Empty(_presence.Others(_statement, "sam"));
        alex.SetEditing(false); // typed offline: still not shown
        alex.SetEditing(true);
        alex.SetConnected(false); // twice is harmless
        Assert.Empty(_presence.Others(_statement, "sam"));

        alex.SetConnected(true);
        var back = Assert.Single(_presence.Others(_statement, "sam"));
        Assert.Equal("Alex Author", back.Name);
        Assert.True(back.Editing);

        alex.SetConnected(true); // already back: one entry, not two
        Assert.Single(_presence.Others(_statement, "sam"));
    }

    [Fact]
    public void A_page_closed_while_disconnected_stays_gone_when_its_connection_events_arrive_late()
    {
        using var sam = _presence.Join(_statement, "sam", "Sam Reviewer");
        var alex = _presence.Join(_statement, "alex", "Alex Author");
        alex.SetConnected(false);
        alex.Dispose();
        alex.SetConnected(true);
        Assert.Empty(_presence.Others(_statement, "sam"));
    }

    [Fact]
    public void The_circuit_handler_reports_connection_down_and_up_once_each()
    {
        var connection = new CircuitConnection();
        var handler = new CircuitConnectionHandler(connection);
        var seen = new List<bool>();
        connection.Changed += seen.Add;

        handler.OnConnectionDownAsync(null!, CancellationToken.None);
        handler.OnConnectionDownAsync(null!, CancellationToken.None);
        Assert.False(connection.IsUp);
        handler.OnConnectionUpAsync(null!, CancellationToken.None);

        Assert.True(connection.IsUp);
        Assert.Equal([false, true], seen);
    }
}
