using System.Net;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>A public response and where it came from.</summary>
public sealed record PublicResult(PublicResponse Response, DateTimeOffset LastModified, DateTimeOffset? SnapshotOf);

/// <summary>
/// Answers a public route: live from the database when it answers, otherwise from the last snapshot
/// (200, with a notice saying when it was last updated), otherwise a plain 503. Never throws on a
/// database failure: the status page is what must stay up when everything else does not.
/// </summary>
public sealed class PublicSite(
    PublicStatusService status,
    PublicSiteRenderer renderer,
    PublicSnapshotStore snapshots,
    DbCommandCounter counter,
    Incidents.StaffTime time,
    IOptions<StatusPageOptions> options,
    ILogger<PublicSite> logger)
{
    /// <summary>The database-command counter category for public requests.</summary>
    public const string CounterCategory = "public";

    public string BaseUrlFor(HttpContext http) =>
        options.Value.PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    public async Task<PublicResult> GetAsync(PublicRoute route, string baseUrl, CancellationToken ct)
    {
        PublicStatus current;
        try
        {
            using (counter.Category(CounterCategory))
                current = await status.LoadAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Public route {Route} served from the snapshot: the database failed ({ErrorType}: {Error})", route.Key, e.GetType().Name, e.Message);
            return FromSnapshot(route, baseUrl);
        }
        return new PublicResult(await renderer.RenderAsync(current, route, baseUrl), current.UpdatedAt, null);
    }

    private PublicResult FromSnapshot(PublicRoute route, string baseUrl)
    {
        if (snapshots.Current is not { } snapshot || PublicSnapshotStore.Find(snapshot, route.Key, baseUrl) is not { } stored)
            return new PublicResult(new PublicResponse(503, "text/html; charset=utf-8", Unavailable), DateTimeOffset.MinValue, null);
        var body = route.IsHtml || stored.StatusCode == 404
            ? stored.Body.Replace(PublicSiteRenderer.SnapshotNoticeMarker, Notice(snapshot), StringComparison.Ordinal)
            : stored.Body;
        return new PublicResult(stored with { Body = body }, snapshot.UpdatedAt, snapshot.GeneratedAt);
    }

    private string Notice(PublicSnapshot snapshot) =>
        $"<p class=\"snapshot-notice\" role=\"note\" data-testid=\"snapshot-notice\">Our live systems are not answering right now. " +
        $"This is the status as last published, last updated <time datetime=\"{snapshot.UpdatedAt:O}\">{WebUtility.HtmlEncode(time.Show(snapshot.UpdatedAt))}</time>.</p>";

    private const string Unavailable =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<title>Status temporarily unavailable</title></head><body><main><h1>Status temporarily unavailable</h1>" +
        "<p>The status page cannot be shown right now. Please try again in a minute.</p></main></body></html>";
}
