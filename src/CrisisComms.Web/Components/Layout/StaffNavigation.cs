using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;

namespace CrisisComms.Web.Components.Layout;

/// <summary>One entry of the staff navigation drawer.</summary>
public sealed record StaffNavItem(string Title, string Href, string Icon, IReadOnlyList<string> Roles);

/// <summary>
/// The staff navigation, in one list. Each entry names the roles that may use it; the drawer shows
/// a user only what their roles allow. (Hiding is courtesy: the services check roles themselves.)
/// Features add their entries here.
/// </summary>
public static class StaffNavigation
{
    private static readonly string[] AnyStaff = [.. StaffRoles.All];

    public static readonly IReadOnlyList<StaffNavItem> Items =
    [
        new("Dashboard", "/dashboard", MudBlazor.Icons.Material.Filled.Dashboard, AnyStaff),
        new("Incidents", "/dashboard/incidents", MudBlazor.Icons.Material.Filled.Warning, AnyStaff),
        new("Templates", "/dashboard/templates", MudBlazor.Icons.Material.Filled.LibraryBooks, AnyStaff),
        new("Waiting for me", "/dashboard/approvals", MudBlazor.Icons.Material.Filled.HowToReg, [StaffRoles.Reviewer, StaffRoles.Approver]),
        new("Audit trail", "/dashboard/audit", MudBlazor.Icons.Material.Filled.FactCheck, [StaffRoles.Admin, StaffRoles.Reviewer, StaffRoles.Approver]),
        new("Users & roles", "/dashboard/admin/users", MudBlazor.Icons.Material.Filled.ManageAccounts, [StaffRoles.Admin]),
        new("Sign-off rules", "/dashboard/admin/policies", MudBlazor.Icons.Material.Filled.Rule, [StaffRoles.Admin]),
        new("Profile & security", "/dashboard/profile", MudBlazor.Icons.Material.Filled.Security, AnyStaff),
    ];

    public static IEnumerable<StaffNavItem> For(ClaimsPrincipal user) =>
        Items.Where(i => i.Roles.Any(user.IsInRole));
}
