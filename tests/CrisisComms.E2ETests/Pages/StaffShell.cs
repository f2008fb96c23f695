using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>The staff layout around every /dashboard page: app bar, navigation drawer, circuit marker.</summary>
public sealed class StaffShell(IPage page)
{
    /// <summary>Rendered by the layout once the SignalR circuit is interactive.</summary>
    public ILocator CircuitReady => page.GetByTestId("circuit-ready");

    public ILocator AppBar => page.Locator("header.mud-appbar");
    public ILocator UserName => page.GetByTestId("user-name");
    public ILocator UserRoles => page.GetByTestId("user-roles");
    public ILocator SignOut => page.GetByTestId("sign-out");
    public ILocator ThemeToggle => page.GetByTestId("theme-toggle");

    /// <summary>The theme's primary colour as the page has it now (a CSS variable from the staff theme stylesheet).</summary>
    public Task<string> PrimaryColourAsync() =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim()");

    public ILocator MenuButton => page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });

    /// <summary>The drawer link for a route, e.g. "/dashboard/admin/users" → data-testid="nav-dashboard-admin-users".</summary>
    public ILocator NavLink(string href) => page.GetByTestId("nav-" + href.Trim('/').Replace('/', '-'));

    /// <summary>Wait for this before clicking anything: until then clicks are lost on the prerendered HTML.</summary>
    public Task WaitForCircuitAsync() =>
        Assertions.Expect(CircuitReady).ToBeAttachedAsync();
}
