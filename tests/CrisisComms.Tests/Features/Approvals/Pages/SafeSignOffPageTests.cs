using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Approvals.Pages;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;
using CrisisComms.Web.Features.Publishing.Pages;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Approvals.Pages;

/// <summary>
/// Sign-off that a tired approver cannot get wrong: changed facts are listed and must be acknowledged before Approve
/// works, and approve, discard and publish now say what they will do and wait for a confirmation.
/// </summary>
[Collection(LivePagesCollection.Name)]
public sealed class SafeSignOffPageTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task Changed_facts_are_listed_and_approve_stays_disabled_until_they_are_acknowledged_then_confirmed()
    {
        var incident = await IncidentAsync(isPublic: false);
        await FactAsync(incident, "people_affected", "People affected", "1200");
        var id = await StatementOnAsync(incident, "About {{ facts.people_affected }} people are affected.");
        await AsAsync("author@demo.local", async (sp, author) => { await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id); return 0; });
        await FactAsync(incident, "people_affected", "People affected", "4500");

        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var page = Render<ReviewPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() =>
        {
            var item = Assert.Single(page.FindAll("[data-testid=fact-drift-item]"));
            Assert.Equal("People affected: 1200 → 4500", item.TextContent.Trim());
            Assert.True(page.Find("button[data-testid=approve]").HasAttribute("disabled"));
        }, Wait);

        await page.InvokeAsync(() => page.Find("[data-testid=fact-drift] input[type=checkbox]").Change(true));
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=approve]").HasAttribute("disabled")), Wait);

        await page.InvokeAsync(() => page.Find("button[data-testid=approve]").ClickAsync(new()));
        page.WaitForAssertion(() =>
        {
            var text = page.Find("[data-testid=sign-off-confirm-text]").TextContent;
            Assert.Contains("Approve revision 1 as Reviewer", text);
            Assert.Contains("completes sign-off", text);
            Assert.Contains("facts as written", text);
        }, Wait);
        Assert.Equal(StatementState.InReview, await StateAsync(id)); // nothing happens before the confirmation

        await page.InvokeAsync(() => page.Find("button[data-testid=confirm-approve]").ClickAsync(new()));

        page.WaitForAssertion(() => Assert.Equal("approved", page.Find("[data-testid=sign-off-state]").TextContent.Trim()), Wait);
        var summary = await App.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries
            .Where(a => a.EntityId == id.ToString() && a.Action == "statement.approved").Select(a => a.Summary).SingleAsync());
        Assert.Contains("acknowledged changed facts: People affected (people_affected): 1200 → 4500", summary);
    }

    [Fact]
    public async Task Discard_says_what_happens_does_nothing_until_confirmed_and_then_withdraws_the_draft()
    {
        var incident = await IncidentAsync(isPublic: false);
        var id = await StatementOnAsync(incident, "A draft nobody needs.");
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var page = Render<ReviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("button[data-testid=discard]")), Wait);

        await page.InvokeAsync(() => page.Find("button[data-testid=discard]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("removed from the incident's statement list", page.Find("[data-testid=sign-off-confirm-text]").TextContent), Wait);
        await page.InvokeAsync(() => page.Find("button[data-testid=confirm-cancel]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=sign-off-confirm]")), Wait);
        Assert.Equal(StatementState.Draft, await StateAsync(id));

        await page.InvokeAsync(() => page.Find("button[data-testid=discard]").ClickAsync(new()));
        await page.InvokeAsync(() => page.Find("button[data-testid=confirm-discard]").ClickAsync(new()));

        page.WaitForAssertion(() =>
        {
            Assert.Equal("withdrawn", page.Find("[data-testid=sign-off-state]").TextContent.Trim());
            Assert.NotEmpty(page.FindAll("[data-testid=sign-off-discarded]"));
        }, Wait);
        var listed = await AsAsync("author@demo.local", (sp, author) => sp.GetRequiredService<StatementService>().ListForIncidentAsync(author, incident));
        Assert.DoesNotContain(listed, s => s.Id == id);
    }

    [Fact]
    public async Task Publish_now_names_the_public_status_page_and_publishes_only_when_confirmed()
    {
        var incident = await IncidentAsync(isPublic: true);
        var id = await StatementOnAsync(incident, "We have fixed it.");
        await AsAsync("author@demo.local", async (sp, author) => { await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id); return 0; });
        await AsAsync("reviewer@demo.local", async (sp, reviewer) =>
        {
            var statements = sp.GetRequiredService<StatementService>();
            var view = await statements.GetAsync(reviewer, id);
            return await sp.GetRequiredService<ApprovalService>().DecideAsync(reviewer, id, view.Current.Id, Decision.Approve, null);
        });
        var approved = await AsAsync("author@demo.local", (sp, author) => sp.GetRequiredService<StatementService>().GetAsync(author, id));
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var panel = Render<PublishPanel>(p => p.Add(x => x.View, approved));

        await panel.InvokeAsync(() => panel.Find("button[data-testid=publish-now]").ClickAsync(new()));
        panel.WaitForAssertion(() => Assert.StartsWith("Publish now: visible on the public status page and its feeds at once",
            panel.Find("[data-testid=publish-confirm-text]").TextContent.Trim()), Wait);
        Assert.Equal(StatementState.Approved, await StateAsync(id));

        await panel.InvokeAsync(() => panel.Find("button[data-testid=confirm-publish-now]").ClickAsync(new()));

        Assert.Equal(StatementState.Published, await Poll.ReadUntilAsync(() => StateAsync(id), s => s == StatementState.Published, Wait));
    }

    [Fact]
    public async Task The_activity_tab_shows_changed_times_in_local_time_not_as_stored()
    {
        var incident = await IncidentAsync(isPublic: false);
        var due = new DateTimeOffset(2099, 1, 2, 3, 4, 0, TimeSpan.Zero);
        await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<IncidentService>().UpdateAsync(author, incident, new IncidentChanges { NextUpdateDue = due }));
        var local = await App.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<StaffTime>().Show(due)));
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var page = Render<IncidentPage>(p => p.Add(x => x.Id, incident));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-heading]")), Wait);

        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Trim() == "Activity").ClickAsync(new()));

        page.WaitForAssertion(() =>
        {
            var newest = page.FindAll("[data-testid=activity-summary]")[0].TextContent.Trim();
            Assert.Equal($"Changed next update due: none → {local}", newest);
            Assert.DoesNotContain("2099-01-02T", newest);
        }, Wait);
    }

    /// <summary>An author opens the incident; making it public is an approver's sign-off (what the public reads goes through sign-off).</summary>
    private async Task<Guid> IncidentAsync(bool isPublic)
    {
        var id = await AsAsync("author@demo.local", async (sp, author) =>
            (await sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges
            {
                Title = Unique("Safe sign-off"), Severity = IncidentSeverity.Minor, IsPublic = false,
            })).Id);
        if (isPublic)
            await AsAsync("approver@demo.local", async (sp, approver) =>
                (await sp.GetRequiredService<IncidentService>().UpdateAsync(approver, id, new IncidentChanges { IsPublic = true })).Id);
        return id;
    }

    private Task<Fact> FactAsync(Guid incident, string key, string label, string value) => AsAsync("author@demo.local", (sp, author) =>
        sp.GetRequiredService<IncidentService>().SetFactAsync(author, incident, key, label, FactType.Text, value));

    private Task<Guid> StatementOnAsync(Guid incident, string body) => AsAsync("author@demo.local", async (sp, author) =>
        (await sp.GetRequiredService<StatementService>().CreateAsync(author, incident,
            new NewStatement { Kind = "faq", Audience = "public", Title = Unique("FAQ"), Body = body })).Statement.Id);

    private Task<StatementState> StateAsync(Guid id) => App.WithScopeAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Statements.AsNoTracking().Where(s => s.Id == id).Select(s => s.State).SingleAsync());
}
