namespace CrisisComms.Web.Features.Incidents;

public static class IncidentsExtensions
{
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddScoped<IncidentService>();
        services.AddSingleton<IncidentEvents>();
        services.AddScoped<DemoIncidentSeeder>();
        services.AddScoped<StaffTime>();
        return services;
    }

    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        app.MapIncidentsApi();
        return app;
    }
}
