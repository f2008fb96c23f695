using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// The public routes. Each answer carries a strong ETag (304 on a match), Last-Modified and a
/// CDN-friendly Cache-Control, and is kept in the output cache under <see cref="CacheTag"/> until a
/// publication or incident change evicts it.
/// </summary>
public static class PublicEndpoints
{
    public const string CacheTag = "public-status";
    public const string CachePolicy = "public-status";
    public const string HistoryCachePolicy = "public-status-history";
    public const string CorsPolicy = "public-get";
    public static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public static void MapPublicRoutes(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(PublicRateLimit.Policy);
        pages.MapMethods("/", Methods, (HttpContext http) => ServeAsync(http, PublicRoute.Home)).CacheOutput(CachePolicy);
        pages.MapMethods("/incidents/{slug}", Methods, (HttpContext http, string slug) =>
            ServeAsync(http, new PublicRoute(PublicRouteKind.Incident, slug.ToLowerInvariant()))).CacheOutput(CachePolicy);
        pages.MapMethods("/history", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.History, Page: PageNumber(http))))
            .CacheOutput(HistoryCachePolicy);
        pages.MapMethods("/history.rss", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Rss))).CacheOutput(CachePolicy);
        pages.MapMethods("/history.atom", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Atom))).CacheOutput(CachePolicy);

        var api = app.MapGroup("/api/v2").AllowAnonymous().RequireCors(CorsPolicy).RequireRateLimiting(PublicRateLimit.Policy)
            .WithTags("Public status (Statuspage v2 shape)");
        api.MapMethods("/summary.json", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Summary)))
            .CacheOutput(CachePolicy).WithSummary("Page, overall status and unresolved incidents (Statuspage v2 summary).");
        api.MapMethods("/status.json", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Status)))
            .CacheOutput(CachePolicy).WithSummary("Page and overall status indicator.");
        api.MapMethods("/incidents.json", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Incidents)))
            .CacheOutput(CachePolicy).WithSummary("The 50 most recently changed public incidents with their updates.");
        api.MapMethods("/incidents/unresolved.json", Methods, (HttpContext http) => ServeAsync(http, new PublicRoute(PublicRouteKind.Unresolved)))
            .CacheOutput(CachePolicy).WithSummary("Unresolved public incidents with their updates.");
    }

    /// <summary>The output-cache policies: every public route tagged for eviction; only /history varies by its page.</summary>
    public static void AddPublicCachePolicies(OutputCacheOptions o, TimeSpan duration)
    {
        o.AddPolicy(CachePolicy, b => b.Expire(duration).Tag(CacheTag).SetVaryByQuery([]));
        o.AddPolicy(HistoryCachePolicy, b => b.Expire(duration).Tag(CacheTag).SetVaryByQuery("page"));
    }

    private static int PageNumber(HttpContext http) =>
        int.TryParse(http.Request.Query["page"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;

    private static async Task ServeAsync(HttpContext http, PublicRoute route)
    {
        var site = http.RequestServices.GetRequiredService<PublicSite>();
        var options = http.RequestServices.GetRequiredService<IOptions<StatusPageOptions>>().Value;
        var result = await site.GetAsync(route, site.BaseUrlFor(http), http.RequestAborted);
        var bytes = Encoding.UTF8.GetBytes(result.Response.Body);
        var response = http.Response;
        response.StatusCode = result.Response.StatusCode;
        response.ContentType = result.Response.ContentType;
        response.Headers.XContentTypeOptions = "nosniff";

        if (response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.CacheControl = "no-store";
            response.Headers.RetryAfter = "30";
        }
        else if (result.SnapshotOf is { } snapshotOf)
        {
            // The database is down: keep the crowd off it for a few seconds at a time, and say what this is.
            response.Headers.CacheControl = $"public, max-age=5, stale-if-error={(int)options.StaleIfError.TotalSeconds}";
            response.Headers["X-Status-Snapshot"] = snapshotOf.ToString("O");
            if (http.Features.Get<IOutputCacheFeature>() is { } cache) cache.Context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(5);
        }
        else
        {
            response.Headers.CacheControl = response.StatusCode == StatusCodes.Status200OK ? options.CacheControl : "public, max-age=60";
        }

        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 16) + "\"");
        response.Headers.ETag = etag.ToString();
        if (result.LastModified > DateTimeOffset.MinValue) response.Headers.LastModified = HeaderUtilities.FormatDate(result.LastModified);

        if (response.StatusCode == StatusCodes.Status200OK && Infrastructure.Api.EntityTags.Matches(http.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
