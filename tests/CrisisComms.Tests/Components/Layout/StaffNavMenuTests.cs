using System.Security.Claims;
using Bunit;
using CrisisComms.Web.Components.Layout;
using CrisisComms.Web.Features.Accounts;
using MudBlazor.Services;

namespace CrisisComms.Tests.Components.Layout;

/// <summary>The drawer shows each role what it may use and nothing else.</summary>
public sealed class StaffNavMenuTests : BunitContext
{
    public StaffNavMenuTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(StaffRoles.Author, false)]
    [InlineData(StaffRoles.Reviewer, false)]
    [InlineData(StaffRoles.Approver, false)]
    [InlineData(StaffRoles.Admin, true)]
    public void Each_role_sees_its_own_entries(string role, bool seesUsers)
    {
        AddAuthorization().SetAuthorized($"{role.ToLowerInvariant()}@demo.local").SetRoles(role);

        var menu = Render<StaffNavMenu>();

        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard]"));
        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard-profile]"));
        Assert.Equal(seesUsers, menu.FindAll("[data-testid=nav-dashboard-admin-users]").Count > 0);
    }

    [Fact]
    public void Several_roles_see_the_union()
    {
        AddAuthorization().SetAuthorized("multi@demo.local").SetRoles(StaffRoles.Author, StaffRoles.Admin);
        var menu = Render<StaffNavMenu>();
        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard-admin-users]"));
    }

    [Fact]
    public void Signed_out_sees_nothing()
    {
        AddAuthorization();
        var menu = Render<StaffNavMenu>();
        Assert.Empty(menu.FindAll("a"));
    }

    [Fact]
    public void Every_entry_is_for_at_least_one_real_role()
    {
        foreach (var item in StaffNavigation.Items)
        {
            Assert.NotEmpty(item.Roles);
            Assert.All(item.Roles, r => Assert.Contains(r, StaffRoles.All));
        }
        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, StaffRoles.Admin)], "test"));
        Assert.Contains(StaffNavigation.For(admin), i => i.Href == "/dashboard/admin/users");
    }
}
