namespace CrisisComms.Web.Features.Dashboard;

public static class DashboardExtensions
{
    /// <summary>The staff home's queries.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddScoped<DashboardService>();
        return services;
    }
}
