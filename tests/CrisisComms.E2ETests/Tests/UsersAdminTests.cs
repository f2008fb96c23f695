using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>An admin creates staff accounts on /dashboard/admin/users.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsersAdminTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string NewPassword = "Fresh-Password-42";

    [Fact]
    public async Task Admin_creates_a_reviewer_who_can_then_sign_in()
    {
        var email = $"reviewer-{Guid.NewGuid():n}@example.test";
        await SignInToDashboardAsync(Page, "admin@demo.local");
        var users = new UsersAdminPage(Page);
        await users.GotoAsync();
        await Expect(users.RowEmail(email)).ToHaveCountAsync(0);

        await users.FillAsync(email, "Nina New (Legal)", NewPassword, "Reviewer");
        await users.CreateButton.ClickAsync();

        await Expect(users.RowEmail(email)).ToBeVisibleAsync();
        await Expect(Page.GetByTestId($"role-reviewer-{email}")).ToBeCheckedAsync();
        await Expect(Page.GetByTestId($"role-author-{email}")).Not.ToBeCheckedAsync();
        await Expect(users.PageError).ToHaveCountAsync(0);
        await Expect(users.EmailInput).ToHaveValueAsync(""); // the form is ready for the next one

        // The new account works, in a browser that has never been signed in.
        var newcomerPage = await NewPageInNewContextAsync();
        var newcomer = await SignInToDashboardAsync(newcomerPage, email, NewPassword);
        await Expect(newcomer.UserName).ToHaveTextAsync(email);
        var dashboard = new DashboardPage(newcomerPage);
        await Expect(dashboard.RoleCard("Reviewer")).ToBeVisibleAsync();
        foreach (var other in DashboardPage.Roles.Where(r => r != "Reviewer"))
            await Expect(dashboard.RoleCard(other)).ToHaveCountAsync(0);
        await Expect(newcomer.NavLink(UsersAdminPage.Path)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Admin_resets_a_password_and_the_users_open_page_is_signed_out_at_once()
    {
        var email = $"author-{Guid.NewGuid():n}@example.test";
        const string replacement = "Replaced-Password-73";
        await App.CreateUserAsync(email, "Rory Reset (Comms)", NewPassword, "Author");

        // B: the user has the dashboard open.
        var userPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(userPage, email, NewPassword);

        // A: the admin sets a new password from the users table.
        await SignInToDashboardAsync(Page, "admin@demo.local");
        var users = new UsersAdminPage(Page);
        await users.GotoAsync();
        await Page.GetByTestId("reset-password-" + email).ClickAsync();
        await UsersAdminPage.TypeAsync(Page.GetByTestId("reset-password-input"), replacement);
        await Page.GetByTestId("reset-password-save").ClickAsync();
        await Expect(Page.GetByTestId("reset-password-input")).ToHaveCountAsync(0);
        await Expect(users.PageError).ToHaveCountAsync(0);

        // B: sent to sign-in within seconds, told why; the old password no longer works, the new one does.
        await Expect(userPage).ToHaveURLAsync(new Regex(@"/Account/Login\?.*ended=true"), new() { Timeout = 10_000 });
        await Expect(userPage.GetByTestId("session-ended")).ToBeVisibleAsync();
        var login = new LoginPage(userPage);
        await login.SignInAsync(email, NewPassword);
        await Expect(userPage.GetByTestId("login-error")).ToContainTextAsync("Invalid email or password.");
        await SignInToDashboardAsync(userPage, email, replacement);
    }

    [Fact]
    public async Task Admin_create_user_refuses_an_empty_or_malformed_email()
    {
        await SignInToDashboardAsync(Page, "admin@demo.local");
        var users = new UsersAdminPage(Page);
        await users.GotoAsync();
        var rowsBefore = await users.Rows.CountAsync();
        var emailError = users.FieldError(users.EmailInput);

        await users.FillAsync("", "Bad Input", NewPassword, "Author");
        await users.CreateButton.ClickAsync();

        await Expect(emailError).ToBeVisibleAsync();
        await Expect(emailError).ToContainTextAsync("Email is required");
        await Expect(users.EmailInput).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(users.Rows).ToHaveCountAsync(rowsBefore);

        await UsersAdminPage.TypeAsync(users.EmailInput, "not-an-email");
        await users.CreateButton.ClickAsync();

        await Expect(emailError).ToContainTextAsync("\"not-an-email\" is not a valid email address");
        await Expect(emailError).ToBeVisibleAsync();
        await Expect(users.Rows).ToHaveCountAsync(rowsBefore);
        await Expect(users.RowEmail("not-an-email")).ToHaveCountAsync(0);
        await Expect(users.RowEmails.Filter(new() { HasText = "Bad Input" })).ToHaveCountAsync(0);
    }
}
