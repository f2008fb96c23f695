using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// A page on another site cannot make a signed-in staff member's browser change anything through the staff API:
/// cookie-authenticated changes need a same-origin request (or an antiforgery token); bearer-token calls and reads are unaffected.
/// </summary>
public sealed partial class CookieWriteTests(HostileApp app) : IClassFixture<HostileApp>
{
    private async Task<HttpClient> SignedInBrowserAsync(string email = "author@demo.local")
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await LoginForm.PostAsync(browser, email, AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/staff/v1/me")).StatusCode);
        return browser;
    }

    private static HttpRequestMessage NewIncident(string title, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/staff/v1/incidents") { Content = JsonContent.Create(new { title, severity = "minor" }) };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private async Task<bool> ExistsAsync(string title)
    {
        using var author = await app.CachedClientAsync("author@demo.local");
        var list = await author.GetFromJsonAsync<JsonElement>("/api/staff/v1/incidents?q=" + Uri.EscapeDataString(title));
        return list.EnumerateArray().Any(i => i.GetProperty("title").GetString() == title);
    }

    public static TheoryData<string, string, string> CrossSite => new()
    {
        { "a page on another site (Origin)", "Origin", "https://evil.example" },
        { "a look-alike origin", "Origin", "http://localhost.evil.example" },
        { "a cross-site fetch (Sec-Fetch-Site)", "Sec-Fetch-Site", "cross-site" },
        { "a same-site but other-origin fetch", "Sec-Fetch-Site", "same-site" },
        { "no origin information at all", "X-Nothing", "1" },
    };

    [Theory]
    [MemberData(nameof(CrossSite))]
    public async Task A_cookie_change_from_another_origin_is_a_403_naming_the_rule_and_nothing_changes(string why, string header, string value)
    {
        using var browser = await SignedInBrowserAsync();
        var title = "CSRF " + Guid.NewGuid().ToString("n")[..8];

        var response = await browser.SendAsync(NewIncident(title, (header, value)));

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, why);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains("must come from this site", problem.Detail);
        Assert.Contains("bearer token", problem.Detail);
        Assert.False(await ExistsAsync(title));
    }

    [Theory]
    [InlineData("Origin", "http://localhost")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    public async Task A_cookie_change_from_this_site_goes_through(string header, string value)
    {
        using var browser = await SignedInBrowserAsync();
        var title = "Same origin " + Guid.NewGuid().ToString("n")[..8];

        var response = await browser.SendAsync(NewIncident(title, (header, value)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(await ExistsAsync(title));
    }

    [Fact]
    public async Task A_cookie_change_with_the_pages_antiforgery_token_goes_through_without_origin_headers()
    {
        using var browser = await SignedInBrowserAsync();
        // The staff pages carry the signed-in user's antiforgery token (in the sign-out form).
        var page = await browser.GetStringAsync("/dashboard");
        var token = System.Net.WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "the staff page should carry an antiforgery token");
        var title = "With token " + Guid.NewGuid().ToString("n")[..8];

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(NewIncident(title, ("RequestVerificationToken", "forged")))).StatusCode);
        var response = await browser.SendAsync(NewIncident(title, ("RequestVerificationToken", token)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(await ExistsAsync(title));
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex TokenField();

    [Fact]
    public async Task Bearer_calls_need_no_origin_even_when_one_from_elsewhere_is_sent()
    {
        using var author = await app.CachedClientAsync("author@demo.local");
        var plain = "Bearer " + Guid.NewGuid().ToString("n")[..8];
        var foreign = "Bearer foreign " + Guid.NewGuid().ToString("n")[..8];

        Assert.Equal(HttpStatusCode.Created, (await author.SendAsync(NewIncident(plain))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await author.SendAsync(NewIncident(foreign, ("Origin", "https://evil.example")))).StatusCode);
    }

    [Fact]
    public async Task Cookie_reads_from_anywhere_are_unaffected()
    {
        using var browser = await SignedInBrowserAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/staff/v1/incidents");
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(request)).StatusCode);
    }
}
