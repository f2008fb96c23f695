using Microsoft.Playwright;

namespace CrisisComms.Benchmarks;

/// <summary>
/// Headless Chromium through Playwright: Debian's /usr/bin/chromium with the E2E tests' launch arguments
/// (Playwright cannot download its own browsers on these machines). Each page gets its own context, so its own
/// cookies and its own Blazor circuit.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public string Version => _browser.Version;

    /// <summary>Starts headless Chromium; installs Debian's chromium package first when it is missing and this is root.</summary>
    public static async Task<Browser> LaunchAsync(CancellationToken ct = default)
    {
        await DebianPackage.EnsureInstalledAsync("chromium", ExecutablePath, () => File.Exists(ExecutablePath) ? ExecutablePath : null, ct);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                    // Pages in the background must not be throttled: five dashboards are open at once and all are watched.
                    "--disable-background-timer-throttling",
                    "--disable-renderer-backgrounding",
                    "--disable-backgrounding-occluded-windows",
                ],
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (own cookies) with one page on <paramref name="baseAddress"/>; <paramref name="initScript"/> runs before every document's own scripts.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, string? initScript = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(60_000);
        if (initScript is not null) await context.AddInitScriptAsync(initScript);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on /Account/Login (the static form the E2E tests' LoginPage drives) and lands on <paramref name="returnUrl"/>.</summary>
    public static async Task SignInAsync(IPage page, string email, string password, string returnUrl)
    {
        await page.GotoAsync($"Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.Equals(returnUrl, StringComparison.OrdinalIgnoreCase),
                new PageWaitForURLOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Signing in as {email} did not land on {returnUrl} (still at {page.Url}).");
        }
    }

    /// <summary>Waits until the staff layout's <c>[data-testid=circuit-ready]</c> marker is in the page: the circuit is interactive.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.GetByTestId("circuit-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    /// <summary>Closes a page's whole context (its circuit's connection goes with it).</summary>
    public static async Task CloseAsync(IPage page)
    {
        // Leave the page first, as a user closing the tab does: blazor.web.js sends its disconnect beacon on pagehide,
        // and the server ends the circuit at once. Closing the context alone drops the socket, and the server keeps the
        // circuit as "disconnected" for minutes in case it reconnects; a next measurement would count it.
        try { await page.GotoAsync("about:blank", new PageGotoOptions { Timeout = 10_000 }); }
        catch (PlaywrightException) { } // closing anyway
        try { await page.Context.CloseAsync(); }
        catch (PlaywrightException) { } // already gone
    }

    public async ValueTask DisposeAsync()
    {
        try { await _browser.CloseAsync(); }
        catch (PlaywrightException) { }
        _playwright.Dispose();
    }
}
