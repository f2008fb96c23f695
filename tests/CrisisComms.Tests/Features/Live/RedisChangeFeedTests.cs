using System.Collections.Concurrent;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Tests.ScaleOut;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Options;
using CrisisComms.Web.Infrastructure.ScaleOut;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrisisComms.Tests.Features.Live;

/// <summary>
/// The change feed between instances, on a real redis-server: what one instance commits reaches the others once and in
/// order, marked as theirs; nothing comes back to the instance that made it; junk on the channel breaks nothing; and
/// another deployment on the same Redis hears none of it.
/// </summary>
public sealed class RedisChangeFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly string _prefix = "feed-test-" + Guid.NewGuid().ToString("n")[..12];
    private readonly List<(RedisChangeFeed Feed, RedisConnection Connection)> _started = [];

    private async Task<(RedisChangeFeed Feed, ConcurrentQueue<ChangeEvent> Received, RedisConnection Connection)> InstanceAsync(string? prefix = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = RedisServer.Shared.Configuration, ChannelPrefix = prefix ?? _prefix });
        var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        var feed = new RedisChangeFeed(connection, NullLogger<RedisChangeFeed>.Instance, NullLogger<InProcessChangeFeed>.Instance);
        await feed.StartAsync(CancellationToken.None);
        await feed.Subscribed.WaitAsync(Limit);
        _started.Add((feed, connection));
        var received = new ConcurrentQueue<ChangeEvent>();
        feed.Subscribe(c => { received.Enqueue(c); return Task.CompletedTask; });
        return (feed, received, connection);
    }

    private static ChangeEvent Change(string action, Guid? statementId = null) =>
        new(42, new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), action, "statement", (statementId ?? Guid.NewGuid()).ToString(), "user-1", "Ada Author", "Revision 2 submitted", Guid.NewGuid(), statementId);

    [Fact]
    public async Task A_change_reaches_the_other_instance_once_marked_as_theirs_and_never_comes_back()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        var submitted = Change("statement.submitted");
        var approved = Change("statement.approved");

        a.Feed.Publish(submitted);
        a.Feed.Publish(approved);
        await Poll.UntilAsync(() => b.Received.Count >= 2 ? "" : null, Limit, "B receiving A's two changes");
        // B answers; it reaching A means anything A's own messages could echo back has arrived before it (one ordered channel).
        var published = Change("statement.published");
        b.Feed.Publish(published);
        await Poll.UntilAsync(() => a.Received.Any(c => c.Action == "statement.published") ? "" : null, Limit, "A receiving B's change");

        Assert.Equal(["statement.submitted", "statement.approved"], b.Received.Take(2).Select(c => c.Action));
        Assert.All(b.Received.Take(2), c => Assert.True(c.FromOtherInstance));
        Assert.Equal(submitted with { FromOtherInstance = true }, b.Received.First());
        Assert.Equal(["statement.submitted", "statement.approved", "statement.published"], a.Received.Select(c => c.Action));
        Assert.Equal([false, false, true], a.Received.Select(c => c.FromOtherInstance));
    }

    [Fact]
    public async Task Junk_on_the_channel_is_ignored_and_later_changes_still_arrive()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        var redis = await a.Connection.GetAsync();
        var channel = a.Connection.Channel("changes");
        await redis.GetSubscriber().PublishAsync(channel, "not json at all");
        await redis.GetSubscriber().PublishAsync(channel, "{\"Origin\":\"someone\",\"Change\":null}");
        await redis.GetSubscriber().PublishAsync(channel, "<script>alert(1)</script>");

        var change = Change("incident.updated");
        a.Feed.Publish(change);

        await Poll.UntilAsync(() => b.Received.Count >= 1 ? "" : null, Limit, "B receiving the change after the junk");
        Assert.Equal("incident.updated", Assert.Single(b.Received).Action);
    }

    [Fact]
    public async Task Another_deployment_on_the_same_redis_hears_nothing()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        var elsewhere = await InstanceAsync(_prefix + "-other");

        a.Feed.Publish(Change("statement.withdrawn"));

        await Poll.UntilAsync(() => b.Received.Count >= 1 ? "" : null, Limit, "B receiving the change");
        Assert.Empty(elsewhere.Received);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (feed, connection) in _started)
        {
            await feed.StopAsync(CancellationToken.None);
            await connection.DisposeAsync();
        }
    }
}
