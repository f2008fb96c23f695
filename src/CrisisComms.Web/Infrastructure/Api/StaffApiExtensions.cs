using CrisisComms.Web.Infrastructure.Hosting;
using CrisisComms.Web.Infrastructure.Options;
using CrisisComms.Web.Infrastructure.Security;

namespace CrisisComms.Web.Infrastructure.Api;

public static class StaffApiExtensions
{
    /// <summary>Problem details for every API error, OpenAPI document, exception mapping.</summary>
    public static IServiceCollection AddStaffApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddValidatedOptions<ApiLimitsOptions>();
        services.AddOpenApi("v1");
        return services;
    }

    /// <summary>The OpenAPI document at /openapi/v1.json.</summary>
    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    /// <summary>Middleware order for the whole app, in one place.</summary>
    public static WebApplication UseAppPipeline(this WebApplication app)
    {
        app.UseAppHosting();
        app.UseSecurityHeaders();
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment()) app.UseHsts();

        // Empty error responses: problem details on the API, the not-found page elsewhere.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseStatusCodePages());
        // Not for SignalR hubs either: a client there needs the bare 401, not a page.
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api") && !c.Request.Path.StartsWithSegments("/hubs"),
            a => a.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseMiddleware<ApiProblemMiddleware>().UseMiddleware<RequestBodyLimitMiddleware>());
        // Routing after the error pages, so their re-executed requests are routed afresh.
        app.UseRouting();
        app.UseCors();
        app.UseRateLimiter();
        // After CORS and the rate limiter: cached public answers still get CORS headers and still count against a client.
        app.UseOutputCache();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
