using System.Text.Json.Serialization;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// JSON shaped like the Atlassian Statuspage public API v2 (same field names and nesting), so status
/// aggregators and widgets that read Statuspage pages can read this one.
/// </summary>
public static class StatuspageApi
{
    public const string CorsPolicy = "public-get";

    public sealed record Page(string Id, string Name, string Url, [property: JsonPropertyName("time_zone")] string TimeZone, [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);
    public sealed record Status(string Indicator, string Description);
    public sealed record Update(
        string Id, string Status, string Body, [property: JsonPropertyName("incident_id")] string IncidentId,
        [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt, [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
        [property: JsonPropertyName("display_at")] DateTimeOffset DisplayAt,
        [property: JsonPropertyName("affected_components")] object[] AffectedComponents,
        [property: JsonPropertyName("deliver_notifications")] bool DeliverNotifications);
    public sealed record Incident(
        string Id, string Name, string Status, [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
        [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt, [property: JsonPropertyName("monitoring_at")] DateTimeOffset? MonitoringAt,
        [property: JsonPropertyName("resolved_at")] DateTimeOffset? ResolvedAt, string Impact, string Shortlink,
        [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt, [property: JsonPropertyName("page_id")] string PageId,
        [property: JsonPropertyName("incident_updates")] IReadOnlyList<Update> IncidentUpdates, object[] Components);

    public static void MapStatuspageApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v2").RequireCors(CorsPolicy).AllowAnonymous().WithTags("Public status (Statuspage v2 shape)");

        api.MapGet("/summary.json", async (HttpContext http, PublicStatusService service, IOptions<OrganisationOptions> org) =>
        {
            var status = await service.LoadAsync(http.RequestAborted);
            return TypedResults.Ok(new
            {
                page = PageOf(status, http),
                status = StatusOf(status),
                components = Array.Empty<object>(),
                incidents = status.Unresolved.Select(i => IncidentOf(i, http)).ToList(),
                scheduled_maintenances = Array.Empty<object>(),
            });
        });
        api.MapGet("/status.json", async (HttpContext http, PublicStatusService service) =>
        {
            var status = await service.LoadAsync(http.RequestAborted);
            return TypedResults.Ok(new { page = PageOf(status, http), status = StatusOf(status) });
        });
        api.MapGet("/incidents.json", async (HttpContext http, PublicStatusService service) =>
        {
            var status = await service.LoadAsync(http.RequestAborted);
            return TypedResults.Ok(new { page = PageOf(status, http), incidents = status.Incidents.Take(50).Select(i => IncidentOf(i, http)).ToList() });
        });
        api.MapGet("/incidents/unresolved.json", async (HttpContext http, PublicStatusService service) =>
        {
            var status = await service.LoadAsync(http.RequestAborted);
            return TypedResults.Ok(new { page = PageOf(status, http), incidents = status.Unresolved.Select(i => IncidentOf(i, http)).ToList() });
        });
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static Page PageOf(PublicStatus s, HttpContext http) => new("crisiscomms", s.OrganisationName, BaseUrl(http) + "/", s.TimeZone, s.UpdatedAt);

    private static Status StatusOf(PublicStatus s) => new(s.Indicator.ToString().ToLowerInvariant(), s.Description);

    private static Incident IncidentOf(PublicIncident i, HttpContext http)
    {
        var status = i.Status.ToString().ToLowerInvariant();
        return new Incident(
            i.Id.ToString("n"), i.Title, status, i.CreatedAt, i.LastChange,
            i.Status == IncidentStatus.Monitoring ? i.UpdatedAt : null, i.ResolvedAt,
            i.Severity.ToString().ToLowerInvariant(), $"{BaseUrl(http)}/incidents/{i.Slug}", i.CreatedAt, "crisiscomms",
            i.Updates.Select(u => new Update(u.Id.ToString("n"), status, u.Title + "\n\n" + u.Text, i.Id.ToString("n"),
                u.PublishedAt, u.PublishedAt, u.PublishedAt, [], true)).ToList(),
            []);
    }
}
