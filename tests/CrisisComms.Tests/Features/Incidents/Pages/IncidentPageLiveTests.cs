using AngleSharp.Dom;
using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;

namespace CrisisComms.Tests.Features.Incidents.Pages;

/// <summary>The incident page follows its statements and facts as others change them.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class IncidentPageLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task A_statement_submitted_elsewhere_changes_state_in_its_row_which_flashes()
    {
        var statement = await CreateStatementAsync("faq", Unique("FAQ"), "Answers");
        var incident = await DemoIncidentAsync();
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var page = Render<IncidentPage>(p => p.Add(x => x.Id, incident));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-heading]")), Wait);
        await OpenTabAsync(page, "Statements", "statements-table");
        page.WaitForAssertion(() => Assert.Equal("draft", State(page, statement)), Wait);

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, statement);
            return 0;
        });

        page.WaitForAssertion(() =>
        {
            Assert.Equal("in-review", State(page, statement));
            Assert.Contains("live-flash", Row(page, statement).ClassName);
        }, Wait);
    }

    [Fact]
    public async Task A_statement_created_elsewhere_appears_in_the_list_flashing()
    {
        var incident = await DemoIncidentAsync();
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var page = Render<IncidentPage>(p => p.Add(x => x.Id, incident));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-heading]")), Wait);
        await OpenTabAsync(page, "Statements", "statements-table");

        var statement = await CreateStatementAsync("social-post", Unique("Post"), "We are on it.");

        page.WaitForAssertion(() => Assert.Contains("live-flash", Row(page, statement).ClassName), Wait);
    }

    [Fact]
    public async Task A_fact_changed_elsewhere_flashes_its_row_but_a_fact_being_edited_keeps_the_users_input_and_says_so()
    {
        var incident = await DemoIncidentAsync();
        var key = "hotline_" + Guid.NewGuid().ToString("n")[..6];
        await SetFactAsync(incident, key, "0800 000 001");
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var page = Render<IncidentPage>(p => p.Add(x => x.Id, incident));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-heading]")), Wait);
        await OpenTabAsync(page, "Facts", "facts-table");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll($"[data-testid=fact-value-{key}]")), Wait);

        await page.InvokeAsync(() => page.Find($"[data-testid=edit-fact-{key}]").ClickAsync(new()));
        await page.InvokeAsync(() => page.Find("input[data-testid=fact-value-input]").Change("0800 999 999"));

        await SetFactAsync(incident, key, "0800 000 002");

        page.WaitForAssertion(() =>
        {
            Assert.Equal("0800 000 002", page.Find($"[data-testid=fact-value-{key}]").TextContent.Trim());
            Assert.Contains("live-flash", page.Find($"[data-testid=fact-value-{key}]").Closest("tr")!.ClassName);
            Assert.Contains("changed by author@demo.local", page.Find("[data-testid=fact-changed-notice]").TextContent);
        }, Wait);
        Assert.Equal("0800 999 999", page.Find("input[data-testid=fact-value-input]").GetAttribute("value"));

        await page.InvokeAsync(() => page.Find("button[data-testid=fact-reload]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Equal("0800 000 002", page.Find("input[data-testid=fact-value-input]").GetAttribute("value")), Wait);
        Assert.Empty(page.FindAll("[data-testid=fact-changed-notice]"));
    }

    private Task<Fact> SetFactAsync(Guid incident, string key, string value) => AsAsync("author@demo.local", (sp, author) =>
        sp.GetRequiredService<IncidentService>().SetFactAsync(author, incident, key, "Hotline", FactType.Text, value));

    private static async Task OpenTabAsync(IRenderedComponent<IncidentPage> page, string title, string shows)
    {
        // Found and clicked in one go on the renderer: news of what the test just arranged may re-render the page in between.
        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Trim() == title).ClickAsync(new()));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll($"[data-testid={shows}]")), TimeSpan.FromSeconds(5));
    }

    private static IElement Row(IRenderedComponent<IncidentPage> page, Guid statement) =>
        page.Find($"[data-statement-id='{statement}']").Closest("tr")!;

    private static string State(IRenderedComponent<IncidentPage> page, Guid statement) =>
        Row(page, statement).QuerySelector("[data-testid=statement-row-state]")!.TextContent.Trim();
}
