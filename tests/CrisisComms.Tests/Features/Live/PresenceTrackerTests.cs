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
}
