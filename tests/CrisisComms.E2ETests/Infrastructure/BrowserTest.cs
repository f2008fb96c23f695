using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// Base for browser tests: a fresh browser context (own cookies) and page per test against this
/// class's <see cref="AppServer"/>. Browser console errors and page errors go to the test output.
/// </summary>
public abstract class BrowserTest(BrowserFixture browser, AppServer app, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];
    private IPage? _page;

    protected AppServer App { get; } = app;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The page of this test's first browser context.</summary>
    protected IPage Page => _page ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>Desktop by default; a test class overrides this for other screens.</summary>
    protected virtual ViewportSize Viewport => new() { Width = 1280, Height = 800 };

    public async Task InitializeAsync() => _page = await NewPageInNewContextAsync();

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts) await context.CloseAsync();
    }

    /// <summary>
    /// A page in a brand-new browser context: nobody signed in, no cookies or cache shared with other
    /// pages. <paramref name="configure"/> may change the context's options (JavaScript off, another screen).
    /// </summary>
    protected async Task<IPage> NewPageInNewContextAsync(Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl + "/",
            ViewportSize = Viewport,
            Locale = "en-AU",
        };
        configure?.Invoke(options);
        var context = await browser.Browser.NewContextAsync(options);
        _contexts.Add(context);
        context.SetDefaultTimeout(BrowserFixture.DefaultTimeoutMs);
        context.SetDefaultNavigationTimeout(BrowserFixture.NavigationTimeoutMs);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") Log($"[browser {message.Type}] {message.Text}");
        };
        page.PageError += (_, error) => Log($"[page error] {error}");
        return page;
    }

    /// <summary>Signs in through the login form and waits until the dashboard's circuit is interactive.</summary>
    protected static async Task<StaffShell> SignInToDashboardAsync(IPage page, string email, string password = AppServer.DemoPassword)
    {
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SignInAsync(email, password);
        await Assertions.Expect(page).ToHaveURLAsync(Urls.Dashboard);
        var shell = new StaffShell(page);
        await shell.WaitForCircuitAsync();
        return shell;
    }

    private void Log(string line)
    {
        // Events can arrive after the test has finished (while its context closes); xunit refuses those.
        try { Output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }
}
