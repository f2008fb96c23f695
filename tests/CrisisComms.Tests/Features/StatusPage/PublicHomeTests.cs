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

    [Fact]
    public async Task A_first_run_with_demo_data_shows_the_demo_holding_statement_published_through_sign_off()
    {
        using var client = app.CreateRawClient();
        var html = await client.GetStringAsync("/incidents/customer-data-breach");

        Assert.Contains("data-testid=\"public-update\"", html);
        Assert.Contains("is responding to a cyber incident involving customer information", html);
        var approvals = await app.WithScopeAsync(sp => sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>().Approvals.CountAsync());
        Assert.True(approvals >= 1, "the demo statement was approved, not published around sign-off");
    }
}
