using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>The staff UI on a phone (390×844, an iPhone 12–15 in portrait).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const int PhoneWidth = 390;

    protected override ViewportSize Viewport => new() { Width = PhoneWidth, Height = 844 };

    [Fact]
    public async Task Approver_on_a_phone_sees_the_app_bar_opens_the_drawer_and_nothing_overflows_sideways()
    {
        var shell = await SignInToDashboardAsync(Page, "approver@demo.local");

        await Expect(shell.AppBar).ToBeVisibleAsync();
        await Expect(shell.MenuButton).ToBeInViewportAsync();
        await Expect(shell.SignOut).ToBeInViewportAsync();
        await Expect(new DashboardPage(Page).RoleCard("Approver")).ToBeVisibleAsync();
        Assert.True(await ScrollWidthAsync() <= PhoneWidth, $"The page is {await ScrollWidthAsync()} px wide on a {PhoneWidth} px screen.");

        var profileLink = shell.NavLink("/dashboard/profile");
        await Expect(profileLink).Not.ToBeInViewportAsync(); // on a phone the drawer starts closed
        await shell.MenuButton.ClickAsync();

        await Expect(profileLink).ToBeVisibleAsync();
        await Expect(profileLink).ToBeInViewportAsync();
        Assert.True(await ScrollWidthAsync() <= PhoneWidth, $"With the drawer open the page is {await ScrollWidthAsync()} px wide on a {PhoneWidth} px screen.");

        await profileLink.ClickAsync();
        await Expect(Page).ToHaveURLAsync(Urls.Path("/dashboard/profile"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Profile & security");
    }

    private Task<int> ScrollWidthAsync() => Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
}
