using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>Safe sign-off in a real browser: a double click on "Create statement" makes one statement, not two.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SafeSignOffFlowTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string Author = "author@demo.local";

    [Fact]
    public async Task A_double_click_on_create_statement_creates_one_statement()
    {
        // An incident of its own (with the demo facts, so templates render), so its statement list is this test's alone.
        using var api = await StaffApiClient.SignInAsync(App, Author);
        var incidentId = await api.CreateIncidentWithFactsOfAsync("customer-data-breach", $"Double click {Guid.NewGuid():n}");
        await SignInToDashboardAsync(Page, Author);
        var incident = new IncidentPage(Page);
        await incident.GotoAsync(incidentId);
        await incident.OpenTabAsync("Statements");
        await MudSelects.ChooseAsync(Page, incident.TemplateSelect, new Regex("apology", RegexOptions.IgnoreCase));
        await Expect(incident.CreateStatement).ToBeEnabledAsync();

        await incident.CreateStatement.DblClickAsync();

        await Expect(Page).ToHaveURLAsync(StatementEditorPage.Url);
        await new StatementEditorPage(Page).WaitForLoadedAsync();
        using var list = await api.SendRawAsync(HttpMethod.Get, $"incidents/{incidentId}/statements");
        Assert.Equal(1, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }
}
