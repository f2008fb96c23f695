using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

public static class StatusPageExtensions
{
    /// <summary>The public status page: pages, feeds and JSON from one renderer, output-cached, snapshotted, live over /hubs/status.</summary>
    public static IServiceCollection AddStatusPage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StatusPageOptions>();
        services.AddScoped<PublicStatusService>();
        services.AddScoped<PublicSiteRenderer>();
        services.AddScoped<PublicSite>();
        services.AddSingleton<PublicSnapshotStore>();
        services.AddSingleton<PublicStatusRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<PublicStatusRefresher>());

        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<IOptions<StatusPageOptions>>((o, s) =>
            PublicEndpoints.AddPublicCachePolicies(o, s.Value.ServerCacheDuration));
        services.AddRateLimiter(o => o.AddPolicy<string, PublicRateLimit>(PublicRateLimit.Policy));
        services.AddCors(o => o.AddPolicy(PublicEndpoints.CorsPolicy, p => p.AllowAnyOrigin().WithMethods("GET", "HEAD")));
        services.AddSignalR();
        return services;
    }

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        app.MapPublicRoutes();
        app.MapHub<StatusHub>(StatusHub.Path).AllowAnonymous().RequireRateLimiting(PublicRateLimit.Policy);
        return app;
    }
}
