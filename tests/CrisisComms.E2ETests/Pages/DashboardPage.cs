using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard: one card per role the signed-in user holds, then the live sections.</summary>
public sealed class DashboardPage(IPage page)
{
    public static readonly string[] Roles = ["Author", "Reviewer", "Approver", "Admin"];

    public ILocator RoleCard(string role) => page.GetByTestId("role-card-" + role.ToLowerInvariant());

    public ILocator Incidents => page.GetByTestId("dash-incidents");
    public ILocator Waiting => page.GetByTestId("dash-waiting");
    public ILocator Published => page.GetByTestId("dash-published");
    public ILocator Activity => page.GetByTestId("dash-activity");

    /// <summary>The "Recently published" entry for one statement.</summary>
    public ILocator PublishedItem(Guid statementId) => Published.Locator($"[data-testid=dash-published-item][data-id='{statementId}']");

    /// <summary>Activity entries for one kind of change, e.g. "statement.published".</summary>
    public ILocator ActivityItems(string action) => Activity.Locator($"[data-testid=dash-activity-item][data-action='{action}']");

    /// <summary>The sections have loaded (the activity section is there for every role).</summary>
    public Task WaitForLoadedAsync() => Assertions.Expect(Activity).ToBeVisibleAsync();
}
