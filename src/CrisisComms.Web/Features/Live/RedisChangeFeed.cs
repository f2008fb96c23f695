using System.Text.Json;
using CrisisComms.Web.Infrastructure.ScaleOut;
using StackExchange.Redis;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// The change feed across instances (Redis:Configuration set). A change committed here reaches this instance's
/// subscribers at once, exactly as <see cref="InProcessChangeFeed"/> does, and is published on a Redis channel;
/// changes the other instances publish arrive marked <see cref="ChangeEvent.FromOtherInstance"/>, in order.
/// Redis pub/sub is at most once: while this instance is cut off from Redis it misses the others' changes
/// (pages show them on their next load; the public page's cache expires after StatusPage:ServerCacheDuration).
/// </summary>
public sealed class RedisChangeFeed(RedisConnection redis, ILogger<RedisChangeFeed> logger, ILogger<InProcessChangeFeed> localLogger)
    : IChangeFeed, IHostedService
{
    private readonly InProcessChangeFeed _local = new(localLogger);
    private readonly RedisChannel _channel = redis.Channel("changes");
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _queue;
    private Task? _subscribing;

    /// <summary>Identifies this process's messages on the channel, so it does not deliver its own changes twice.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public int SubscriberCount => _local.SubscriberCount;

    public bool CrossesInstances => true;

    public IDisposable Subscribe(Func<ChangeEvent, Task> handler) => _local.Subscribe(handler);

    public void Publish(ChangeEvent change)
    {
        _local.Publish(change);
        var connecting = redis.GetAsync();
        if (change.FromOtherInstance || !connecting.IsCompletedSuccessfully) return;
        try
        {
            // Fire and forget keeps the order changes were committed in and never holds up a save.
            connecting.Result.GetSubscriber().Publish(_channel, JsonSerializer.SerializeToUtf8Bytes(new Envelope(InstanceId, change)), CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            logger.LogWarning("Change {Action} {EntityId} did not reach the other instances: {Error}", change.Action, change.EntityId, e.Message);
        }
    }

    /// <summary>Subscribes in the background: start-up never waits for Redis, and a Redis that is down at start is retried.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribing = SubscribeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Completes once this instance hears the others (for tests and the health check).</summary>
    public Task Subscribed => _subscribing ?? Task.CompletedTask;

    private async Task SubscribeAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await redis.GetAsync();
                var queue = await connection.GetSubscriber().SubscribeAsync(_channel);
                // One handler, called in order: changes arrive as the other instance committed them.
                queue.OnMessage(message => Receive(message.Message));
                _queue = queue;
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning("Could not subscribe to the other instances' changes yet ({Error}); retrying", e.Message);
                try { await Task.Delay(delay, stopping); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private void Receive(RedisValue message)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>((byte[])message!);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignored a malformed message on the change channel: {Error}", e.Message);
            return;
        }
        if (envelope?.Change is null || envelope.Origin == InstanceId) return;
        _local.Publish(envelope.Change with { FromOtherInstance = true });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_queue is { } queue) await queue.UnsubscribeAsync();
    }

    private sealed record Envelope(string Origin, ChangeEvent Change);
}
