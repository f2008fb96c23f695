using CrisisComms.Web.Features.StatusPage.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// Turns a <see cref="PublicStatus"/> into the bytes of any public route. Pages are Razor components
/// rendered with <see cref="HtmlRenderer"/> outside the Blazor endpoint machinery: no antiforgery
/// cookie, no persisted component state, nothing per visitor — so responses can be cached and shared.
/// </summary>
public sealed class PublicSiteRenderer(IServiceProvider services, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>Where a snapshot served while the database is down gets its notice.</summary>
    public const string SnapshotNoticeMarker = "<!--snapshot-notice-->";

    private HtmlRenderer? _html;

    public async Task<PublicResponse> RenderAsync(PublicStatus status, PublicRoute route, string baseUrl)
    {
        var page = new PublicPageContext(baseUrl, route.Key);
        switch (route.Kind)
        {
            case PublicRouteKind.Home:
                return Html(200, await RenderAsync<StatusHomePage>(new() { ["Status"] = status, ["Page"] = page }));
            case PublicRouteKind.Incident:
                var incident = status.Incidents.FirstOrDefault(i => string.Equals(i.Slug, route.Slug, StringComparison.Ordinal));
                return incident is null
                    ? await NotFoundAsync(status, page)
                    : Html(200, await RenderAsync<IncidentTimelinePage>(new() { ["Status"] = status, ["Incident"] = incident, ["Page"] = page }));
            case PublicRouteKind.History:
                var pages = Math.Max(1, (status.Incidents.Count + HistoryPage.PageSize - 1) / HistoryPage.PageSize);
                return route.Page < 1 || route.Page > pages
                    ? await NotFoundAsync(status, page)
                    : Html(200, await RenderAsync<HistoryPage>(new() { ["Status"] = status, ["Page"] = page, ["Number"] = route.Page }));
            case PublicRouteKind.Rss or PublicRouteKind.Atom:
                return new PublicResponse(200, route.ContentType, StatusFeeds.Render(status, baseUrl, rss: route.Kind == PublicRouteKind.Rss));
            default:
                return new PublicResponse(200, route.ContentType, StatuspageApi.Render(route.Kind, status, baseUrl));
        }
    }

    /// <summary>Every public route of this status, keyed by <see cref="PublicRoute.Key"/>.</summary>
    public async Task<Dictionary<string, PublicResponse>> RenderAllAsync(PublicStatus status, string baseUrl)
    {
        var all = new Dictionary<string, PublicResponse>(StringComparer.Ordinal);
        foreach (var route in PublicRoute.All(status))
        {
            // One route that fails to render (one incident's page, one feed) must not cost every other route its fresh copy.
            try
            {
                all[route.Key] = await RenderAsync(status, route, baseUrl);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                loggers.CreateLogger<PublicSiteRenderer>().LogError(e, "Public route {Route} was left out of the snapshot: it failed to render", route.Key);
            }
        }
        all[NotFoundKey] = await NotFoundAsync(status, new PublicPageContext(baseUrl, "/"));
        return all;
    }

    /// <summary>The snapshot entry answered for an address the snapshot does not hold.</summary>
    public const string NotFoundKey = "404";

    private async Task<PublicResponse> NotFoundAsync(PublicStatus status, PublicPageContext page) =>
        Html(404, await RenderAsync<PublicNotFoundPage>(new() { ["Status"] = status, ["Page"] = page }));

    private static PublicResponse Html(int statusCode, string body) => new(statusCode, "text/html; charset=utf-8", body);

    private async Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        _html ??= new HtmlRenderer(services, loggers);
        return await _html.Dispatcher.InvokeAsync(async () =>
        {
            var output = await _html.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_html is not null) await _html.DisposeAsync();
    }
}
