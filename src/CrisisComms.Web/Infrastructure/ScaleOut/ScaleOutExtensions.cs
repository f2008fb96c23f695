using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisComms.Web.Infrastructure.ScaleOut;

/// <summary>
/// Several instances behind a load balancer. With Redis:Configuration set, Redis carries SignalR (the public
/// /hubs/status and the staff /hubs/changes reach clients on every instance) and the change feed (every
/// instance's staff pages, notifications, public cache and publish timer hear every other instance's changes).
/// The database (Database:Provider=Postgres) holds everything else they share: data, Hangfire's jobs and the
/// data-protection keys. Without Redis nothing here is registered and the app is one instance.
/// </summary>
public static class ScaleOutExtensions
{
    /// <summary>Call after AddLive: replaces its in-process change feed. Reads Redis from <paramref name="configuration"/>
    /// now, because SignalR's backplane must be chosen while services are registered.</summary>
    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RedisOptions>();
        var redis = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        if (!redis.IsEnabled) return services;

        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisChangeFeed>();
        services.Replace(ServiceDescriptor.Singleton<IChangeFeed>(sp => sp.GetRequiredService<RedisChangeFeed>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisChangeFeed>());
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        services.AddSignalR().AddStackExchangeRedis(o =>
        {
            // Its own channels under this deployment's prefix, over the connection the change feed uses.
            o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(redis.ChannelPrefix + ":signalr");
        });
        services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
            .Configure<RedisConnection>((o, connection) => o.ConnectionFactory = _ => connection.GetAsync());
        return services;
    }
}
