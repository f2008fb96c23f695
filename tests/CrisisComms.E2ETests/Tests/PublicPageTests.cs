using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>The public status pages are plain HTML: no Blazor script, no /_blazor connection, one WebSocket to /hubs/status.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PublicPageTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    /// <summary>blazor.web.js is served fingerprinted ("blazor.web.9hsif5t8mt.js"), so match the name around the hash.</summary>
    [GeneratedRegex(@"blazor\.web(\.[A-Za-z0-9]+)?\.js", RegexOptions.IgnoreCase)]
    private static partial Regex BlazorScript { get; }

    private static bool IsBlazorScript(string url) => BlazorScript.IsMatch(url);

    private static bool IsBlazorConnection(string url) => url.Contains("/_blazor", StringComparison.OrdinalIgnoreCase);

    /// <summary>Anything of Blazor's framework folder (blazor.web.js, blazor.server.js, the boot files).</summary>
    private static bool IsBlazorFramework(string url) => url.Contains("_framework/blazor", StringComparison.OrdinalIgnoreCase);

    private static bool IsBlazor(string url) => IsBlazorScript(url) || IsBlazorConnection(url) || IsBlazorFramework(url);

    private static bool IsStatusHub(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath.TrimEnd('/') == "/hubs/status";

    [Theory]
    [InlineData("/")]
    [InlineData("/incidents/customer-data-breach")]
    [InlineData("/history")]
    public async Task Public_page_loads_no_blazor_and_its_only_websocket_is_the_public_status_hub(string path)
    {
        var traffic = new TrafficRecorder(Page);
        var site = new PublicStatusPage(Page);

        // Connected means status-live.js has run and its WebSocket is open: everything the page will load has loaded.
        await site.GotoLiveAsync(path);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        Assert.Contains(traffic.Requests, u => u.TrimEnd('/') == (App.BaseUrl + path).TrimEnd('/'));
        Assert.Contains(traffic.Requests, u => u.Contains("/js/status-live", StringComparison.Ordinal));
        Assert.DoesNotContain(traffic.All, IsBlazor);
        await Expect(Page.Locator("script[src*='blazor'], script[src*='_framework']")).ToHaveCountAsync(0);

        // The recorder does see WebSockets: exactly the public hub's, nothing else.
        var sockets = traffic.WebSockets;
        Assert.True(sockets.Count > 0 && sockets.All(IsStatusHub),
            $"Expected WebSockets to /hubs/status only on {path}; saw:\n{string.Join("\n", sockets)}");
        Output.WriteLine($"{path}: {traffic.Requests.Count} requests, WebSockets: {string.Join(", ", sockets)}");
    }

    [Fact]
    public async Task Public_home_page_opens_no_blazor_connection_while_the_dashboard_does()
    {
        var traffic = new TrafficRecorder(Page);

        await Page.GotoAsync("");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("status");
        // The recorder works: it saw the page itself and its stylesheet.
        Assert.Contains(traffic.Requests, u => u.TrimEnd('/') == App.BaseUrl);
        Assert.Contains(traffic.Requests, u => u.Contains("/css/site", StringComparison.Ordinal));
        Assert.DoesNotContain(traffic.All, IsBlazor);
        await Expect(Page.Locator("script[src*='blazor']")).ToHaveCountAsync(0);

        // Control: the same recorder does catch Blazor's script and connection on a staff page.
        await SignInToDashboardAsync(Page, "author@demo.local");
        await traffic.WaitForAsync(IsBlazorScript, "blazor.web.js");
        await traffic.WaitForAsync(u => IsBlazorConnection(u) && !u.StartsWith("ws", StringComparison.OrdinalIgnoreCase), "an HTTP request to /_blazor");
        await traffic.WaitForAsync(u => IsBlazorConnection(u) && u.StartsWith("ws", StringComparison.OrdinalIgnoreCase), "a WebSocket to /_blazor");
        Output.WriteLine("Blazor traffic on /dashboard:\n" + string.Join("\n", traffic.All.Where(IsBlazor)));
    }
}
