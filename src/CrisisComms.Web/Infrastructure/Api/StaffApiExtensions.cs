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
        // A body or parameter that cannot be bound throws in every environment (not only Development), so the
        // problem middleware can name what was wrong instead of answering an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
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
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            CreateScopeForErrors = true,
            // A request the server cannot read (bad form, bad encoding, too large) is the client's fault, never a 500.
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();

        // Empty error responses: problem details on the API, the not-found page elsewhere.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseStatusCodePages());
        // Not for SignalR hubs either: a client there needs the bare 401, not a page. Nor for the Hangfire dashboard: a refused
        // POST there re-executed as a POST of the not-found page would become that page's antiforgery 400.
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api") && !c.Request.Path.StartsWithSegments("/hubs") && !c.Request.Path.StartsWithSegments("/hangfire"),
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
        // After routing (an endpoint's own body-size limit applies while reading) and after sign-in checks.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(StaffApi.Prefix), a => a.UseMiddleware<CookieWriteGuard>());
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseMiddleware<Utf8BodyGuard>());
        app.UseAntiforgery();
        return app;
    }
}
