using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>Each demo role sees its own dashboard card and navigation, and nothing meant for other roles.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoleNavigationTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    public static TheoryData<string, string> DemoAccounts => new()
    {
        { "author@demo.local", "Author" },
        { "reviewer@demo.local", "Reviewer" },
        { "approver@demo.local", "Approver" },
        { "admin@demo.local", "Admin" },
    };

    [Theory]
    [MemberData(nameof(DemoAccounts))]
    public async Task Demo_account_sees_its_own_role_card_and_navigation_only(string email, string role)
    {
        var shell = await SignInToDashboardAsync(Page, email);

        await Expect(shell.UserName).ToHaveTextAsync(email);
        await Expect(shell.UserRoles).ToHaveTextAsync(role);

        var dashboard = new DashboardPage(Page);
        await Expect(dashboard.RoleCard(role)).ToBeVisibleAsync();
        foreach (var other in DashboardPage.Roles.Where(r => r != role))
            await Expect(dashboard.RoleCard(other)).ToHaveCountAsync(0);

        await Expect(shell.NavLink("/dashboard")).ToBeVisibleAsync();
        await Expect(shell.NavLink("/dashboard/profile")).ToBeVisibleAsync();
        if (role == "Admin")
            await Expect(shell.NavLink(UsersAdminPage.Path)).ToBeVisibleAsync();
        else
            await Expect(shell.NavLink(UsersAdminPage.Path)).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData("author@demo.local")]
    [InlineData("reviewer@demo.local")]
    [InlineData("approver@demo.local")]
    public async Task Non_admin_opening_the_users_page_directly_does_not_get_the_users_table(string email)
    {
        await SignInToDashboardAsync(Page, email);

        await Page.GotoAsync(UsersAdminPage.Path.TrimStart('/'));

        // Either the server's access-denied page or the in-app "no role" message; never the admin UI.
        await Expect(Page.GetByText(new Regex("(does|do) not have a role that allows this"))).ToBeVisibleAsync();
        var users = new UsersAdminPage(Page);
        await Expect(users.Table).ToHaveCountAsync(0);
        await Expect(users.CreateButton).ToHaveCountAsync(0);
        await Expect(users.RowEmails).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_theme_toggle_switches_to_dark_at_once_and_the_choice_survives_a_reload()
    {
        var shell = await SignInToDashboardAsync(Page, "reviewer@demo.local");
        await Expect(shell.AppBar).ToHaveCSSAsync("background-color", "rgb(22, 50, 79)"); // the light theme's #16324f
        Assert.Equal("rgba(27,77,137,1)", await shell.PrimaryColourAsync());

        await shell.ThemeToggle.ClickAsync();

        await Expect(shell.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        await Expect(shell.AppBar).Not.ToHaveCSSAsync("background-color", "rgb(22, 50, 79)");
        await Page.WaitForFunctionAsync("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim() === 'rgba(127,178,255,1)'");

        await Page.ReloadAsync();
        await shell.WaitForCircuitAsync();
        Assert.Equal("rgba(127,178,255,1)", await shell.PrimaryColourAsync());
        await Expect(shell.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to light theme");

        await shell.ThemeToggle.ClickAsync();
        await Expect(shell.AppBar).ToHaveCSSAsync("background-color", "rgb(22, 50, 79)");
    }

    [Fact]
    public async Task The_tab_title_names_the_page_when_served_and_after_moving_within_the_app()
    {
        var shell = await SignInToDashboardAsync(Page, "approver@demo.local");
        await Expect(Page).ToHaveTitleAsync("Dashboard · CrisisComms");

        await shell.NavLink("/dashboard/profile").ClickAsync();
        await Expect(Page).ToHaveURLAsync(Urls.Path("/dashboard/profile"));
        await Expect(Page).ToHaveTitleAsync("Profile & security · CrisisComms");

        await Page.GoBackAsync();
        await Expect(Page).ToHaveTitleAsync("Dashboard · CrisisComms");

        // Served from scratch (prerendered), before any script has run.
        var html = await (await Page.APIRequest.GetAsync(Page.Url)).TextAsync();
        Assert.Matches("<title>Dashboard (·|&#xB7;) CrisisComms</title>", html);
    }
}
