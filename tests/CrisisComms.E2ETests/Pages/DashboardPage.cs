using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard: one card per role the signed-in user holds.</summary>
public sealed class DashboardPage(IPage page)
{
    public static readonly string[] Roles = ["Author", "Reviewer", "Approver", "Admin"];

    public ILocator RoleCard(string role) => page.GetByTestId("role-card-" + role.ToLowerInvariant());
}
