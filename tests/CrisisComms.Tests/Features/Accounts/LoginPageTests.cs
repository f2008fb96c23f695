using System.Net;
using CrisisComms.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>The cookie sign-in through the real login form (static server rendering, no JavaScript).</summary>
public sealed class LoginPageTests(AppFactory app) : IClassFixture<AppFactory>
{
    private HttpClient Browser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Signed_out_dashboard_redirects_to_login_with_the_return_url()
    {
        var response = await Browser().GetAsync("/dashboard/profile");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fdashboard%2Fprofile", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_session_ended_by_the_server_is_explained_on_the_sign_in_page_and_a_plain_visit_is_not()
    {
        var ended = await Browser().GetStringAsync("/Account/Login?ReturnUrl=%2Fdashboard&ended=true");
        Assert.Contains("data-testid=\"session-ended\"", ended);
        Assert.Contains("account was disabled or its access was changed", ended);

        var plain = await Browser().GetStringAsync("/Account/Login?ReturnUrl=%2Fdashboard");
        Assert.DoesNotContain("session-ended", plain);
    }

    [Fact]
    public async Task Good_credentials_redirect_back_and_the_cookie_then_works()
    {
        var browser = Browser();
        var response = await LoginForm.PostAsync(browser, "approver@demo.local", AppFactory.DemoPassword, "/dashboard/profile");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/profile", response.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard")).StatusCode);
        Assert.Contains("approver@demo.local", await browser.GetStringAsync("/api/staff/v1/me"));
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    public async Task An_off_site_return_url_lands_on_the_dashboard_instead(string returnUrl)
    {
        var response = await LoginForm.PostAsync(Browser(), "author@demo.local", AppFactory.DemoPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }

    [Fact]
    public async Task Wrong_password_shows_the_message_and_sets_no_auth_cookie()
    {
        var response = await LoginForm.PostAsync(Browser(), "author@demo.local", "wrong-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid email or password.", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("CrisisComms.Auth=") && !v.Contains("expires=Thu, 01 Jan 1970"));
    }

    [Theory]
    [InlineData("", "x", "Enter your email address.")]
    [InlineData("not-an-email", "x", "Enter a valid email address")]
    [InlineData("author@demo.local", "", "Enter your password.")]
    public async Task Empty_or_malformed_fields_are_named(string email, string password, string message)
    {
        var response = await LoginForm.PostAsync(Browser(), email, password);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var response = await Browser().PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.Email"] = "author@demo.local", ["Input.Password"] = AppFactory.DemoPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_cookie_session_on_the_next_request()
    {
        var (id, email) = await app.CreateUserAsync("cookie", "Author");
        using var admin = await app.ClientForAsync("admin@demo.local");
        var browser = Browser();
        await LoginForm.PostAsync(browser, email, AppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard")).StatusCode);

        await admin.PostAsync($"/api/staff/v1/users/{id}/disable", null);

        var after = await browser.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/Login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var browser = Browser();
        await LoginForm.PostAsync(browser, "reviewer@demo.local", AppFactory.DemoPassword);
        var dashboard = await browser.GetStringAsync("/dashboard");
        var token = System.Text.RegularExpressions.Regex.Match(dashboard, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var signOut = await browser.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/dashboard")).StatusCode);
    }

}
