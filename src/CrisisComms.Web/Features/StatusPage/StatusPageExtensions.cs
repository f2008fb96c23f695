namespace CrisisComms.Web.Features.StatusPage;

public static class StatusPageExtensions
{
    public static IServiceCollection AddStatusPage(this IServiceCollection services)
    {
        services.AddScoped<PublicStatusService>();
        services.AddCors(o => o.AddPolicy(StatuspageApi.CorsPolicy, p => p.AllowAnyOrigin().WithMethods("GET")));
        return services;
    }

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        app.MapStatuspageApi();
        app.MapStatusFeeds();
        return app;
    }
}
