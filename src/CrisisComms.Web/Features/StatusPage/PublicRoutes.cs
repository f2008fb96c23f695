namespace CrisisComms.Web.Features.StatusPage;

/// <summary>Which public response: a page, a feed or one of the Statuspage-shaped JSON routes.</summary>
public enum PublicRouteKind { Home, Incident, History, Rss, Atom, Summary, Status, Incidents, Unresolved }

/// <summary>One public address. <see cref="Key"/> is its path (and page number), as stored in the snapshot.</summary>
public sealed record PublicRoute(PublicRouteKind Kind, string? Slug = null, int Page = 1)
{
    public static readonly PublicRoute Home = new(PublicRouteKind.Home);

    public string Key => Kind switch
    {
        PublicRouteKind.Home => "/",
        PublicRouteKind.Incident => "/incidents/" + Slug,
        PublicRouteKind.History => Page <= 1 ? "/history" : $"/history?page={Page}",
        PublicRouteKind.Rss => "/history.rss",
        PublicRouteKind.Atom => "/history.atom",
        PublicRouteKind.Summary => "/api/v2/summary.json",
        PublicRouteKind.Status => "/api/v2/status.json",
        PublicRouteKind.Incidents => "/api/v2/incidents.json",
        _ => "/api/v2/incidents/unresolved.json",
    };

    public bool IsHtml => Kind is PublicRouteKind.Home or PublicRouteKind.Incident or PublicRouteKind.History;

    public string ContentType => Kind switch
    {
        PublicRouteKind.Rss => "application/rss+xml; charset=utf-8",
        PublicRouteKind.Atom => "application/atom+xml; charset=utf-8",
        PublicRouteKind.Summary or PublicRouteKind.Status or PublicRouteKind.Incidents or PublicRouteKind.Unresolved => "application/json; charset=utf-8",
        _ => "text/html; charset=utf-8",
    };

    /// <summary>Every address the status currently has: what a snapshot must hold.</summary>
    public static IEnumerable<PublicRoute> All(PublicStatus status)
    {
        yield return Home;
        foreach (var i in status.Incidents) yield return new PublicRoute(PublicRouteKind.Incident, i.Slug);
        var pages = Math.Max(1, (status.Incidents.Count + Pages.HistoryPage.PageSize - 1) / Pages.HistoryPage.PageSize);
        for (var p = 1; p <= pages; p++) yield return new PublicRoute(PublicRouteKind.History, Page: p);
        foreach (var k in new[] { PublicRouteKind.Rss, PublicRouteKind.Atom, PublicRouteKind.Summary, PublicRouteKind.Status, PublicRouteKind.Incidents, PublicRouteKind.Unresolved })
            yield return new PublicRoute(k);
    }
}

/// <summary>Where a page is being rendered for: the public base address (no trailing slash) and its path.</summary>
public sealed record PublicPageContext(string BaseUrl, string Path);

/// <summary>A rendered public response.</summary>
public sealed record PublicResponse(int StatusCode, string ContentType, string Body);
