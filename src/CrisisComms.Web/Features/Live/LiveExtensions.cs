namespace CrisisComms.Web.Features.Live;

public static class LiveExtensions
{
    /// <summary>The change feed (fed by the database after each commit), presence and notifications.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSingleton<IChangeFeed, InProcessChangeFeed>();
        services.AddSingleton<ChangeFeedInterceptor>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<NotificationCenter>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationCenter>());
        services.AddSingleton<StaffHubConnections>();
        services.AddHostedService<ChangesHubRelay>();
        services.AddHostedService<StaffHubRevalidation>();
        services.AddSignalR();
        services.AddScoped<CircuitConnection>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitConnectionHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<ChangesHub>(ChangesHub.Path);
        return app;
    }
}
