using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>Auth:MaxFailedAccessAttempts (5) wrong passwords lock the account, after which even the right one is refused.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LockoutTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_password_is_then_refused()
    {
        // A dedicated account, so no other test ever meets a locked demo account.
        var email = $"lockout-{Guid.NewGuid():n}@example.test";
        const string password = "Right-Password-42";
        await App.CreateUserAsync(email, "Lockout Test", password, "Author");

        var login = new LoginPage(Page);
        await login.GotoAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await login.SignInAsync(email, $"Wrong-Password-{attempt}");
            await Expect(Page).ToHaveURLAsync(Urls.Login);
            if (attempt < 5)
                await Expect(login.Error).ToHaveTextAsync(LoginPage.InvalidMessage);
            else // The attempt that locks the account may already say so.
                await Expect(login.Error).ToHaveTextAsync(new Regex(@"^Invalid email or password\.$|locked"));
        }

        await login.SignInAsync(email, password);

        await Expect(login.Error).ToContainTextAsync("locked");
        await Expect(Page).ToHaveURLAsync(Urls.Login);

        // And no session was created: the dashboard still sends us to the login page.
        await Page.GotoAsync("dashboard");
        await Expect(Page).ToHaveURLAsync(Urls.LoginReturningTo("/dashboard"));
    }
}
