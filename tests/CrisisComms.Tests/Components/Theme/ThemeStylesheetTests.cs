using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrisisComms.Tests.Components.Theme;

/// <summary>
/// The staff theme comes as two cached stylesheets instead of a MudThemeProvider in every circuit: the palette
/// must still be ours, light and dark must differ, staff pages must link the one the user chose, and a
/// browser must be able to keep it.
/// </summary>
public sealed partial class ThemeStylesheetTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/css/theme-light.css", "rgba(27,77,137,1)", "--mud-native-html-color-scheme: light")]  // #1b4d89
    [InlineData("/css/theme-dark.css", "rgba(127,178,255,1)", "--mud-native-html-color-scheme: dark")]  // #7fb2ff
    public async Task Each_variant_carries_the_staff_palette(string path, string primary, string scheme)
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        var css = await response.Content.ReadAsStringAsync();
        Assert.Contains($"--mud-palette-primary: {primary};", css);
        Assert.Contains(scheme, css);
        Assert.DoesNotContain("<style", css);
        Assert.DoesNotContain("&gt;", css); // decoded, not HTML-escaped
    }

    [Fact]
    public async Task A_staff_page_links_the_chosen_variant_and_names_both_for_the_toggle()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await LoginForm.PostAsync(browser, "author@demo.local", AppFactory.DemoPassword);

        var light = ThemeLink().Match(await browser.GetStringAsync("/dashboard"));
        Assert.True(light.Success, "the dashboard should link the staff theme stylesheet");
        Assert.StartsWith("css/theme-light.css?v=", light.Groups["href"].Value);
        Assert.StartsWith("css/theme-light.css?v=", light.Groups["light"].Value);
        Assert.StartsWith("css/theme-dark.css?v=", light.Groups["dark"].Value);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Add("Cookie", "cc-theme=dark");
        var dark = ThemeLink().Match(await (await browser.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.StartsWith("css/theme-dark.css?v=", dark.Groups["href"].Value);

        // The versioned address the page links is the one that may be cached for good.
        var linked = await browser.GetAsync("/" + WebUtility.HtmlDecode(dark.Groups["href"].Value));
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Contains("immutable", linked.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_browser_revalidating_gets_304_and_an_unversioned_address_is_cached_briefly()
    {
        using var client = app.CreateRawClient();
        var first = await client.GetAsync("/css/theme-dark.css");
        Assert.Equal(TimeSpan.FromMinutes(5), first.Headers.CacheControl?.MaxAge);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/css/theme-dark.css");
        again.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        using var any = new HttpRequestMessage(HttpMethod.Get, "/css/theme-dark.css");
        any.Headers.TryAddWithoutValidation("If-None-Match", "*");
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(any)).StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/css/theme-dark.css");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000000000000000\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(stale)).StatusCode);
    }

    [GeneratedRegex("<link rel=\"stylesheet\" id=\"staff-theme\" href=\"(?<href>[^\"]+)\" data-light=\"(?<light>[^\"]+)\" data-dark=\"(?<dark>[^\"]+)\"")]
    private static partial Regex ThemeLink();
}
