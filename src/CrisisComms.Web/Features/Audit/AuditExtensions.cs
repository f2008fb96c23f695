namespace CrisisComms.Web.Features.Audit;

public static class AuditExtensions
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapAuditApi();
        return app;
    }
}
