using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Pages;

/// <summary>
/// The public status pages (/, /incidents/{slug}, /history): static HTML from PublicSiteRenderer, with
/// status-live.js adding live refresh on top when JavaScript runs.
/// </summary>
public sealed class PublicStatusPage(IPage page)
{
    public const string DemoIncidentSlug = "customer-data-breach";
    public const string DemoIncidentTitle = "Cyber incident affecting customer data";
    public const string DemoIncidentPath = "/incidents/" + DemoIncidentSlug;

    public ILocator Banner => page.GetByTestId("status-banner");
    public ILocator Incidents => page.GetByTestId("public-incident");
    public ILocator Updates => page.GetByTestId("public-update");
    public ILocator TimelineUpdates => page.GetByTestId("timeline-update");
    public ILocator HistoryList => page.GetByTestId("history-list");
    public ILocator Main => page.Locator("#main");
    public ILocator SkipLink => page.Locator("a.skip-link");
    public ILocator LiveNote => page.Locator("[data-live-note]");
    public ILocator LiveAnnouncer => page.Locator("[data-live-announcer]");
    public ILocator HistoryLink => page.Locator("footer").GetByRole(AriaRole.Link, new() { Name = "Incident history", Exact = true });

    /// <summary>The update (an &lt;article&gt;) whose text contains <paramref name="marker"/>.</summary>
    public ILocator Update(string marker) => Updates.Filter(new() { HasText = marker });

    /// <summary>An update the live refresh marked as new (class is-new) that contains <paramref name="marker"/>.</summary>
    public ILocator NewUpdate(string marker) => page.Locator("article.is-new[data-testid=public-update]").Filter(new() { HasText = marker });

    /// <summary>The "New" badge status-live.js puts in a new update's heading.</summary>
    public static ILocator NewBadge(ILocator update) => update.Locator("h2 .new-badge, h3 .new-badge");

    /// <summary>Opens a public path and waits for the document and its deferred scripts.</summary>
    public async Task GotoAsync(string path = "/")
    {
        var response = await page.GotoAsync(path.TrimStart('/'));
        if (response is null || !response.Ok)
            throw new InvalidOperationException($"GET {path} answered {response?.Status.ToString() ?? "nothing"}.");
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Waits until status-live.js has started its /hubs/status connection (html[data-live=connected]).</summary>
    public Task WaitForLiveAsync() => Expect(page.Locator("html[data-live=connected]")).ToHaveCountAsync(1);

    /// <summary>Opens a public path and waits until the page listens for live updates.</summary>
    public async Task GotoLiveAsync(string path = "/")
    {
        await GotoAsync(path);
        await WaitForLiveAsync();
    }
}
