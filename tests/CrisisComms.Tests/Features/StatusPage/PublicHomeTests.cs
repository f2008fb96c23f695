using System.Net;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.StatusPage;

public sealed class PublicHomeTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_public_page_is_plain_html_with_no_blazor_script_and_names_the_organisation()
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"en\"", html);
        Assert.Contains("Southern Cross Airways (demo)", html);
        Assert.DoesNotContain("blazor.web.js", html);
        Assert.DoesNotContain("MudBlazor", html);
        Assert.Contains("href=\"#main\"", html); // skip link
    }
}
