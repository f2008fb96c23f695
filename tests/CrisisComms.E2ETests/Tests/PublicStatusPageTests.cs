using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>
/// What a member of the public gets from /, /incidents/{slug} and /history: live updates on an open
/// page, a page that works without JavaScript, accessibility, page weight, print and a phone screen.
/// The tests of this class share one app (and so the demo incident's timeline): each one publishes
/// what it needs with its own marker and never relies on what another test published.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PublicStatusPageTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string Slug = PublicStatusPage.DemoIncidentSlug;

    /// <summary>The promise: an open page shows a publication within this long after the publish call returns.</summary>
    private const int LiveUpdateBudgetMs = 2_000;

    private const int PageWeightBudgetBytes = 100 * 1024;

    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    private static string NewMarker(string what) => $"{what}-{Guid.NewGuid():n}"[..(what.Length + 13)];

    [Fact]
    public async Task Open_pages_show_a_new_publication_within_two_seconds_marked_new_without_reloading()
    {
        using var publisher = await PublicUpdatePublisher.SignInAsync(App);
        var marker = NewMarker("live");
        // Everything up to the publication itself happens first, so the clock below only times the live path.
        var statement = await publisher.PrepareAsync(Slug, $"Live update {marker}", $"We have news: {marker}. More to follow.");

        var home = Page;
        var incident = await Page.Context.NewPageAsync();
        var pages = new[] { (Name: "/", Page: home), (Name: PublicStatusPage.DemoIncidentPath, Page: incident) };
        var navigations = new Dictionary<string, int>();
        foreach (var (name, page) in pages)
        {
            await new PublicStatusPage(page).GotoLiveAsync(name);
            // Survives only if the page is never reloaded; the observer notes (browser clock) when the marker shows up as new.
            await page.EvaluateAsync("""
                marker => {
                    window.__marker = 1;
                    new MutationObserver(() => {
                        if (window.__seenAt) return;
                        const fresh = [...document.querySelectorAll("article.is-new[data-testid=public-update]")];
                        if (fresh.some(a => a.textContent.includes(marker))) window.__seenAt = Date.now();
                    }).observe(document.body, { childList: true, subtree: true });
                }
                """, marker);
            navigations[name] = 0;
            page.FrameNavigated += (_, frame) =>
            {
                if (frame == page.MainFrame) navigations[name]++;
            };
        }

        await publisher.PublishPreparedAsync(statement);
        var returnedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();

        // Both pages at once, each with the same 2 s from the moment the publish call returned.
        await Task.WhenAll(pages.Select(p => ExpectNewUpdateAsync(p.Page, marker, LiveUpdateBudgetMs - (int)clock.ElapsedMilliseconds)));

        foreach (var (name, page) in pages)
        {
            var seenAt = await page.EvaluateAsync<long>("() => window.__seenAt || 0");
            var latency = seenAt - returnedAt;
            Output.WriteLine($"{name}: the new update appeared {latency} ms after the publish call returned.");
            Assert.True(seenAt > 0 && latency <= LiveUpdateBudgetMs, $"{name}: the update appeared {latency} ms after publishing (budget {LiveUpdateBudgetMs} ms).");

            var site = new PublicStatusPage(page);
            await Expect(PublicStatusPage.NewBadge(site.NewUpdate(marker))).ToHaveTextAsync("New");
            await Expect(site.LiveAnnouncer).ToHaveTextAsync("1 new update published.");
            await Expect(page.Locator("html[data-live-refreshed]")).ToHaveCountAsync(1);
            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__marker"));
            Assert.Equal(0, navigations[name]);
        }
        // Newest first: the incident's timeline now starts with the new update, and only it is marked new.
        var timeline = new PublicStatusPage(incident);
        await Expect(timeline.TimelineUpdates.First).ToContainTextAsync(marker);
        await Expect(incident.Locator("article.is-new")).ToHaveCountAsync(1);
    }

    private static async Task ExpectNewUpdateAsync(IPage page, string marker, int timeoutMs)
    {
        var update = new PublicStatusPage(page).NewUpdate(marker);
        await Expect(update).ToBeVisibleAsync(new() { Timeout = Math.Max(timeoutMs, 1) });
    }

    [Fact]
    public async Task Without_javascript_the_pages_show_the_banner_the_incident_and_its_latest_update_and_the_links_work()
    {
        var marker = NewMarker("nojs");
        using (var publisher = await PublicUpdatePublisher.SignInAsync(App))
            await publisher.PublishAsync(Slug, $"Update {marker}", $"Plain HTML carries this: {marker}.");

        var page = await NewPageInNewContextAsync(o => o.JavaScriptEnabled = false);
        var site = new PublicStatusPage(page);
        await site.GotoAsync("/");

        // JavaScript really is off: status-live.js never ran (with it on, see the live test, these change).
        await Expect(page.Locator("html[data-live]")).ToHaveCountAsync(0);
        await Expect(site.LiveNote).ToBeHiddenAsync();

        await Expect(site.Banner).ToBeVisibleAsync();
        await Expect(site.Banner).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\S"));
        var incident = site.Incidents.Filter(new() { HasText = PublicStatusPage.DemoIncidentTitle });
        await Expect(incident).ToBeVisibleAsync();
        await Expect(incident.GetByTestId("public-update").First).ToContainTextAsync(marker);

        await incident.GetByRole(AriaRole.Link, new() { Name = PublicStatusPage.DemoIncidentTitle, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Urls.Path(PublicStatusPage.DemoIncidentPath));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(PublicStatusPage.DemoIncidentTitle);
        await Expect(site.TimelineUpdates.First).ToContainTextAsync(marker);

        await site.HistoryLink.ClickAsync();
        await Expect(page).ToHaveURLAsync(Urls.Path("/history"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Incident history");
        await site.HistoryList.GetByRole(AriaRole.Link, new() { Name = PublicStatusPage.DemoIncidentTitle, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Urls.Path(PublicStatusPage.DemoIncidentPath));
        await Expect(site.TimelineUpdates.First).ToContainTextAsync(marker);
    }

    [Theory]
    [InlineData("/")]
    [InlineData(PublicStatusPage.DemoIncidentPath)]
    [InlineData("/history")]
    public async Task Public_page_has_no_wcag_2_2_aa_violations_axe_can_find(string path)
    {
        var marker = NewMarker("a11y");
        using (var publisher = await PublicUpdatePublisher.SignInAsync(App))
        {
            await publisher.EnsurePublicUpdatesAsync(Slug, 2);
            // A link and a list in the update body, as real statements have.
            await publisher.PublishAsync(Slug, $"Update {marker}",
                $"What we know ({marker}):\n\n- Names and emails were exposed.\n- Card details were **not**.\n\nSee [our advice](https://example.com/advice).");
        }

        var site = new PublicStatusPage(Page);
        await site.GotoLiveAsync(path);
        if (path != "/history") await Expect(site.Update(marker).First).ToBeVisibleAsync();

        await AssertNoAxeViolationsAsync(path);
    }

    [Fact]
    public async Task Home_page_after_a_live_refresh_still_has_no_axe_violations()
    {
        using var publisher = await PublicUpdatePublisher.SignInAsync(App);
        var marker = NewMarker("a11y-live");
        var statement = await publisher.PrepareAsync(Slug, $"Update {marker}", $"Refreshed in place: {marker}.");
        var site = new PublicStatusPage(Page);
        await site.GotoLiveAsync("/");

        await publisher.PublishPreparedAsync(statement);
        await Expect(PublicStatusPage.NewBadge(site.NewUpdate(marker))).ToBeVisibleAsync();

        // The highlighted article, its badge, the live note and the announcer are all on the page now.
        await Expect(site.LiveNote).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync("/ after a live refresh");
    }

    private async Task AssertNoAxeViolationsAsync(string what)
    {
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
        });
        Output.WriteLine($"{what}: axe {result.TestEngine?.Version} passed {result.Passes.Length} rules, {result.Incomplete.Length} incomplete, {result.Violations.Length} violations.");
        Assert.True(result.Violations.Length == 0, $"axe found violations on {what}:\n{Describe(result.Violations)}");
    }

    private static string Describe(IEnumerable<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {v.Id} ({v.Impact}): {v.Help} {v.HelpUrl}");
            foreach (var node in v.Nodes)
            {
                var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message);
                text.AppendLine(CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}\n      {string.Join("\n      ", checks)}");
            }
        }
        return text.ToString();
    }

    [Fact]
    public async Task First_tab_reaches_a_visible_skip_link_that_moves_focus_to_the_main_content()
    {
        var site = new PublicStatusPage(Page);
        await site.GotoAsync("/");
        await Expect(site.SkipLink).Not.ToBeInViewportAsync();

        await Page.Keyboard.PressAsync("Tab");
        await Expect(site.SkipLink).ToBeFocusedAsync();
        await Expect(site.SkipLink).ToBeInViewportAsync();
        await Expect(site.SkipLink).ToHaveTextAsync("Skip to content");
        var box = await site.SkipLink.BoundingBoxAsync();
        Assert.True(box is { X: >= 0, Y: >= 0, Width: > 0, Height: > 0 }, $"The focused skip link is at {Json(box)}, not on screen.");

        await Page.Keyboard.PressAsync("Enter");
        await Expect(site.Main).ToBeFocusedAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#main$"));
    }

    [Fact]
    public async Task Home_page_with_ten_updates_weighs_under_100_kb_with_everything_it_loads()
    {
        using (var publisher = await PublicUpdatePublisher.SignInAsync(App))
            await publisher.EnsurePublicUpdatesAsync(Slug, 10);

        var responses = new List<IResponse>();
        Page.Response += (_, response) => responses.Add(response);
        var site = new PublicStatusPage(Page);
        await site.GotoLiveAsync("/"); // connected: both scripts ran and the hub was negotiated
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(Page.GetByRole(AriaRole.Link, new() { NameRegex = new(@"^All \d+ updates on this incident$") })).ToBeVisibleAsync();
        var updateCount = await new PublicStatusPage(Page).Incidents.First.EvaluateAsync<int>(
            "e => Number(/All (\\d+) updates/.exec(e.textContent)[1])");
        Assert.True(updateCount >= 10, $"The demo incident has only {updateCount} public updates.");

        // What the browser says it transferred (headers + body) for the document and every subresource.
        var timing = await Page.EvaluateAsync<JsonElement>("""
            () => {
                const nav = performance.getEntriesByType("navigation")[0];
                return [{ name: nav.name, transfer: nav.transferSize, body: nav.encodedBodySize },
                        ...performance.getEntriesByType("resource").map(r => ({ name: r.name, transfer: r.transferSize, body: r.encodedBodySize }))];
            }
            """);
        var entries = timing.EnumerateArray()
            .Select(e => (Name: e.GetProperty("name").GetString()!, Transfer: e.GetProperty("transfer").GetInt64(), Body: e.GetProperty("body").GetInt64()))
            .ToList();
        var timingTotal = entries.Sum(e => e.Transfer);

        // Cross-check from the protocol side: headers and bodies of every response the page received.
        long protocolTotal = 0;
        var perResponse = new StringBuilder();
        foreach (var response in responses.ToList())
        {
            var sizes = await response.Request.SizesAsync();
            var bytes = sizes.ResponseHeadersSize + sizes.ResponseBodySize;
            protocolTotal += bytes;
            perResponse.AppendLine(CultureInfo.InvariantCulture, $"  {bytes,7:N0} B  {response.Status} {response.Url}");
        }

        var report = $"Home page with {updateCount} updates: {Kb(timingTotal)} by Resource Timing (transferSize), {Kb(protocolTotal)} by response headers + bodies.\n" +
                     string.Join("\n", entries.Select(e => $"  {e.Transfer,7:N0} B transferred ({e.Body:N0} B body)  {e.Name}")) + "\n" + perResponse;
        Output.WriteLine(report);
        Assert.True(entries.Count >= 4, $"Expected the document, site.css, signalr.min.js and status-live.js in Resource Timing.\n{report}");
        Assert.All(entries, e => Assert.True(e.Transfer > 0, $"{e.Name} reports no transfer size (served from a cache?).\n{report}"));
        Assert.True(timingTotal < PageWeightBudgetBytes, $"The home page transferred {Kb(timingTotal)} (budget {Kb(PageWeightBudgetBytes)}).\n{report}");
        Assert.True(protocolTotal < PageWeightBudgetBytes, $"The home page received {Kb(protocolTotal)} (budget {Kb(PageWeightBudgetBytes)}).\n{report}");
    }

    private static string Kb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB ({bytes:N0} B)");

    [Fact]
    public async Task Printed_page_shows_the_updates_in_black_without_skip_link_or_live_note()
    {
        var marker = NewMarker("print");
        using (var publisher = await PublicUpdatePublisher.SignInAsync(App))
            await publisher.PublishAsync(Slug, $"Update {marker}", $"On paper too: {marker}.");
        var site = new PublicStatusPage(Page);
        await site.GotoLiveAsync("/");
        await Expect(site.LiveNote).ToBeVisibleAsync(); // on screen, once connected

        await Page.EmulateMediaAsync(new() { Media = Media.Print });

        Assert.Equal("none", await DisplayOfAsync(site.SkipLink));
        Assert.Equal("none", await DisplayOfAsync(site.LiveNote));
        await Expect(site.LiveNote).ToBeHiddenAsync();
        // The header's white-on-navy would print as white on white: in print it is black on no background.
        var brand = Page.Locator(".site-header .brand");
        await Expect(brand).ToBeVisibleAsync();
        await Expect(brand).ToHaveCSSAsync("color", "rgb(0, 0, 0)");
        await Expect(Page.Locator(".site-header")).ToHaveCSSAsync("background-color", "rgba(0, 0, 0, 0)");

        var update = site.Update(marker);
        await Expect(update).ToBeVisibleAsync();
        await Expect(update.Locator(".update-body")).ToBeVisibleAsync();
        await Expect(update.Locator(".update-body")).ToContainTextAsync($"On paper too: {marker}.");
        await Expect(site.Banner).ToBeVisibleAsync();

        // Control: back on screen the skip link exists again (off-screen until focused) and so does the note.
        await Page.EmulateMediaAsync(new() { Media = Media.Screen });
        Assert.NotEqual("none", await DisplayOfAsync(site.SkipLink));
        await Expect(site.LiveNote).ToBeVisibleAsync();
    }

    private static Task<string> DisplayOfAsync(ILocator locator) => locator.EvaluateAsync<string>("e => getComputedStyle(e).display");

    [Theory]
    [InlineData("/")]
    [InlineData(PublicStatusPage.DemoIncidentPath)]
    public async Task On_a_375_px_phone_a_long_unbroken_word_and_url_do_not_scroll_the_page_sideways(string path)
    {
        var marker = NewMarker("phone");
        var longWord = "Supercalifragilistic" + string.Concat(Enumerable.Repeat("expialidocious", 8));
        var longUrl = "https://example.com/advice/" + string.Concat(Enumerable.Repeat("customer-data-breach-", 8)) + "what-to-do";
        var longTitleWord = "Reference" + string.Concat(Enumerable.Repeat("ABCDEFGHIJ", 5));
        using (var publisher = await PublicUpdatePublisher.SignInAsync(App))
            await publisher.PublishAsync(Slug, $"Update {marker} {longTitleWord}",
                $"Case {marker}: {longWord}.\n\nAdvice: <{longUrl}>\n\nAlso at {longUrl}?ref={longWord}");

        await Page.SetViewportSizeAsync(375, 667);
        var site = new PublicStatusPage(Page);
        await site.GotoAsync(path);
        var update = site.Update(marker).First;
        await Expect(update).ToBeVisibleAsync();
        await Expect(update).ToContainTextAsync(longWord);

        var widths = await Page.EvaluateAsync<JsonElement>(
            "() => ({ scroll: document.scrollingElement.scrollWidth, client: document.scrollingElement.clientWidth })");
        var (scroll, client) = (widths.GetProperty("scroll").GetInt32(), widths.GetProperty("client").GetInt32());
        Output.WriteLine($"{path} at 375×667: scrollWidth {scroll}, clientWidth {client}.");
        var widest = scroll > client
            ? await Page.EvaluateAsync<string>("""
                  w => [...document.querySelectorAll("body *")]
                          .filter(e => e.getBoundingClientRect().right > w || e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === "visible")
                          .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> right ${Math.round(e.getBoundingClientRect().right)}, content ${e.scrollWidth} in ${e.clientWidth}`)
                          .slice(0, 10).join("\n")
                  """, client)
            : "";
        Assert.True(scroll <= client, $"{path} scrolls sideways on a 375 px screen: scrollWidth {scroll} > clientWidth {client}. Too wide:\n{widest}");
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);
}
