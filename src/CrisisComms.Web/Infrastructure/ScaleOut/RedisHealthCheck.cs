using CrisisComms.Web.Features.Live;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrisisComms.Web.Infrastructure.ScaleOut;

/// <summary>
/// Part of /readyz when Redis is configured. Redis down is Degraded (200, "Degraded"), not Unhealthy: this instance
/// still serves its own users and publishes on time — only other instances' changes stop reaching it — and taking
/// every instance out of the load balancer because of Redis would be far worse.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis, RedisChangeFeed feed) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var connecting = redis.GetAsync();
        if (!connecting.IsCompleted) return HealthCheckResult.Degraded("Redis: still connecting.");
        var connection = await connecting;
        if (!connection.IsConnected) return HealthCheckResult.Degraded("Redis cannot be reached: other instances' changes do not reach this one.");
        if (!feed.Subscribed.IsCompletedSuccessfully) return HealthCheckResult.Degraded("Redis: not yet subscribed to the other instances' changes.");
        return HealthCheckResult.Healthy("Redis connected.");
    }
}
