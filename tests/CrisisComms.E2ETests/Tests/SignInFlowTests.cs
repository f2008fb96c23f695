using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>Signed-out visitors are sent to the login page and back; signing out ends the session.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInFlowTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    [Fact]
    public async Task Signed_out_visitor_is_sent_to_login_and_back_to_the_page_they_asked_for()
    {
        await Page.GotoAsync("dashboard/profile");

        await Expect(Page).ToHaveURLAsync(Urls.LoginReturningTo("/dashboard/profile"));
        var login = new LoginPage(Page);
        await Expect(login.Submit).ToBeVisibleAsync();

        await login.SignInAsync("reviewer@demo.local", AppServer.DemoPassword);

        await Expect(Page).ToHaveURLAsync(Urls.Path("/dashboard/profile"));
        var shell = new StaffShell(Page);
        await shell.WaitForCircuitAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Profile & security");
        await Expect(shell.UserName).ToHaveTextAsync("reviewer@demo.local");
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var shell = await SignInToDashboardAsync(Page, "approver@demo.local");

        await shell.SignOut.ClickAsync();

        await Expect(Page).ToHaveURLAsync(Urls.Login);
        await Expect(new LoginPage(Page).Submit).ToBeVisibleAsync();
        var cookies = await Page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name.StartsWith("CrisisComms.Auth", StringComparison.Ordinal));

        await Page.GotoAsync("dashboard");
        await Expect(Page).ToHaveURLAsync(Urls.LoginReturningTo("/dashboard"));
        await Expect(shell.CircuitReady).ToHaveCountAsync(0);
    }
}
