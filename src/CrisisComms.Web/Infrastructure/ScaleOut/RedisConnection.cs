using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrisisComms.Web.Infrastructure.ScaleOut;

/// <summary>
/// The one Redis connection of this instance, shared by the SignalR backplane and the change feed. It is opened
/// on first use and never fails start-up: while Redis is unreachable it keeps reconnecting in the background
/// (and this instance serves its own users; nothing crosses to the others).
/// </summary>
public sealed class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(() => ConnectAsync(options.Value, logger));

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    /// <summary>A channel of this deployment (Redis:ChannelPrefix + ":" + name).</summary>
    public RedisChannel Channel(string name) => RedisChannel.Literal(options.Value.ChannelPrefix + ":" + name);

    public string ChannelPrefix => options.Value.ChannelPrefix;

    private static async Task<IConnectionMultiplexer> ConnectAsync(RedisOptions redis, ILogger logger)
    {
        var config = ConfigurationOptions.Parse(redis.Configuration!);
        config.AbortOnConnectFail = false;   // start without Redis and connect when it comes back
        config.ClientName ??= "crisiscomms-" + Environment.MachineName;
        var connection = await ConnectionMultiplexer.ConnectAsync(config);
        // The endpoint is logged, never the configuration string: it may hold a password.
        connection.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection to {Endpoint} lost ({Failure}); other instances' changes do not reach this one until it is back", e.EndPoint, e.FailureType);
        connection.ConnectionRestored += (_, e) => logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
        if (!connection.IsConnected) logger.LogWarning("Redis is not reachable yet; retrying in the background");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated) await (await _connection.Value).DisposeAsync();
    }
}
