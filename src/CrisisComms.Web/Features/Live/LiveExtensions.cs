namespace CrisisComms.Web.Features.Live;

public static class LiveExtensions
{
    /// <summary>The change feed (fed by the database after each commit), presence and notifications.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSingleton<IChangeFeed, InProcessChangeFeed>();
        services.AddSingleton<ChangeFeedInterceptor>();
        services.AddScoped<LiveRefreshGate>();
        return services;
    }
}
