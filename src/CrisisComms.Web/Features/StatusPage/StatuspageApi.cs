using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisComms.Web.Features.Incidents;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// JSON shaped like the Atlassian Statuspage public API v2 (same field names and nesting), so status
/// aggregators and widgets that read Statuspage pages can read this one.
/// </summary>
public static class StatuspageApi
{
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

    /// <summary>The JSON body of one of the four API routes.</summary>
    public static string Render(PublicRouteKind kind, PublicStatus status, string baseUrl)
    {
        object body = kind switch
        {
            PublicRouteKind.Summary => new
            {
                page = PageOf(status, baseUrl),
                status = StatusOf(status),
                components = Array.Empty<object>(),
                incidents = status.Unresolved.Select(i => IncidentOf(i, baseUrl)).ToList(),
                scheduled_maintenances = Array.Empty<object>(),
            },
            PublicRouteKind.Status => new { page = PageOf(status, baseUrl), status = StatusOf(status) },
            PublicRouteKind.Incidents => new { page = PageOf(status, baseUrl), incidents = status.Incidents.Take(50).Select(i => IncidentOf(i, baseUrl)).ToList() },
            PublicRouteKind.Unresolved => new { page = PageOf(status, baseUrl), incidents = status.Unresolved.Select(i => IncidentOf(i, baseUrl)).ToList() },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a JSON API route."),
        };
        return JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
    }

    private static Page PageOf(PublicStatus s, string baseUrl) => new("crisiscomms", s.OrganisationName, baseUrl + "/", s.TimeZone, s.UpdatedAt);

    private static Status StatusOf(PublicStatus s) => new(s.Indicator.ToString().ToLowerInvariant(), s.Description);

    private static Incident IncidentOf(PublicIncident i, string baseUrl)
    {
        var status = i.Status.ToString().ToLowerInvariant();
        return new Incident(
            i.Id.ToString("n"), i.Title, status, i.CreatedAt, i.LastChange,
            i.Status == IncidentStatus.Monitoring ? i.UpdatedAt : null, i.ResolvedAt,
            i.Severity.ToString().ToLowerInvariant(), $"{baseUrl}/incidents/{i.Slug}", i.CreatedAt, "crisiscomms",
            i.Updates.Select(u => new Update(u.Id.ToString("n"), status, u.Title + "\n\n" + u.Text, i.Id.ToString("n"),
                u.PublishedAt, u.PublishedAt, u.PublishedAt, [], true)).ToList(),
            []);
    }
}
