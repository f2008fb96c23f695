using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// One headless Chromium for the whole run (the system's /usr/bin/chromium). Test classes join the
/// <see cref="BrowserCollection"/>, so they share it and run one after another: on a 2-core machine
/// a browser plus a Blazor Server app per class in parallel only buys timeouts.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Generous: the CI machine has two cores and a cold app takes a while to answer.</summary>
    public const float DefaultTimeoutMs = 15_000;
    public const float NavigationTimeoutMs = 30_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not started.");

    public async Task InitializeAsync()
    {
        await SystemChromium.EnsureInstalledAsync();
        Assertions.SetDefaultExpectTimeout(DefaultTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = SystemChromium.ExecutablePath,
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
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
