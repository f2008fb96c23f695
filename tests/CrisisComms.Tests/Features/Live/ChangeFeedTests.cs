using System.Collections.Concurrent;
using CrisisComms.Tests.Features.StatusPage;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Live;

/// <summary>The change feed carries every committed change, with what it is about, and nothing uncommitted.</summary>
public sealed class ChangeFeedTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _s = new(app);
    private IChangeFeed Feed => app.Services.GetRequiredService<IChangeFeed>();

    [Fact]
    public async Task Every_step_of_a_statement_reaches_subscribers_in_order_with_its_incident_and_statement()
    {
        var received = new ConcurrentQueue<ChangeEvent>();
        using var _ = Feed.Subscribe(e => { received.Enqueue(e); return Task.CompletedTask; });
        var incident = await _s.DemoIncidentAsync();

        var statement = await _s.PublishAsync(incident, PublicScenario.Marker("FEED"));

        var published = await Poll.UntilAsync(() => received.FirstOrDefault(e => e.Action == "statement.published" && e.StatementId == statement), TimeSpan.FromSeconds(5), "statement.published on the feed");
        Assert.Equal(incident, published.IncidentId);
        var mine = received.Where(e => e.StatementId == statement).Select(e => e.Action).ToList();
        Assert.Equal(["statement.created", "statement.submitted", "statement.approved", "statement.published"], mine);
        var seqs = received.Select(e => e.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    [Fact]
    public async Task A_change_rolled_back_with_its_transaction_never_reaches_the_feed()
    {
        var received = new ConcurrentQueue<ChangeEvent>();
        using var _ = Feed.Subscribe(e => { received.Enqueue(e); return Task.CompletedTask; });
        var marker = PublicScenario.Marker("ROLLBACK");

        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            sp.GetRequiredService<AuditLog>().Record(AuditActor.System, "test.rolled-back", "test", marker, marker);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
            return 0;
        });
        await app.WithScopeAsync(async sp =>
        {
            sp.GetRequiredService<AuditLog>().Record(AuditActor.System, "test.committed", "test", marker, marker);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
            return 0;
        });

        await Poll.UntilAsync(() => received.FirstOrDefault(e => e.Action == "test.committed"), TimeSpan.FromSeconds(5), "the committed change");
        Assert.DoesNotContain(received, e => e.Action == "test.rolled-back");
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_and_the_feed_drops_its_handler()
    {
        var before = Feed.SubscriberCount;
        var calls = 0;
        var subscription = Feed.Subscribe(_ => { Interlocked.Increment(ref calls); return Task.CompletedTask; });
        Assert.Equal(before + 1, Feed.SubscriberCount);
        subscription.Dispose();
        Assert.Equal(before, Feed.SubscriberCount);

        var witness = new ConcurrentQueue<ChangeEvent>();
        using var _ = Feed.Subscribe(e => { witness.Enqueue(e); return Task.CompletedTask; });
        await _s.PublishAsync(await _s.DemoIncidentAsync(), PublicScenario.Marker("AFTER"));
        await Poll.UntilAsync(() => witness.FirstOrDefault(e => e.Action == "statement.published"), TimeSpan.FromSeconds(5), "the witness's event");

        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task A_failing_or_slow_subscriber_does_not_hold_up_or_break_the_others()
    {
        // Blocks its thread outright: delivered inline, it would hang the save that published the change.
        using var gate = new ManualResetEventSlim();
        using var slow = Feed.Subscribe(_ => { gate.Wait(); return Task.CompletedTask; });
        using var failing = Feed.Subscribe(_ => throw new InvalidOperationException("boom"));
        var received = new ConcurrentQueue<ChangeEvent>();
        using var healthy = Feed.Subscribe(e => { received.Enqueue(e); return Task.CompletedTask; });

        try
        {
            await _s.PublishAsync(await _s.DemoIncidentAsync(), PublicScenario.Marker("ISOLATED")).WaitAsync(TimeSpan.FromSeconds(15));
            await Poll.UntilAsync(() => received.FirstOrDefault(e => e.Action == "statement.published"), TimeSpan.FromSeconds(5), "delivery to the healthy subscriber");
        }
        finally
        {
            gate.Set();
        }
    }
}
