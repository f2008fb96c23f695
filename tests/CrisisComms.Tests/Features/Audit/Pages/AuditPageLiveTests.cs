using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Audit.Pages;
using CrisisComms.Web.Features.Incidents;

namespace CrisisComms.Tests.Features.Audit.Pages;

/// <summary>The audit trail puts each new entry on top as it is committed — if it matches the search shown.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class AuditPageLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task A_change_made_elsewhere_is_added_on_top_flashing()
    {
        await SignInAsync("admin@demo.local", StaffRoles.Admin);
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=audit-seq]")), Wait);
        var newestBefore = TopSeq(page);
        var key = "note_" + Guid.NewGuid().ToString("n")[..6];

        await SetFactAsync(key);

        page.WaitForAssertion(() =>
        {
            var top = page.FindAll("[data-testid=audit-table] tbody tr").First();
            Assert.Contains($"Fact {key}", top.TextContent);
            Assert.Contains("live-flash", top.ClassName);
            Assert.True(TopSeq(page) > newestBefore);
        }, Wait);
        // Nothing was lost or doubled: one new row per new entry, newest first.
        var seqs = page.FindAll("[data-testid=audit-seq]").Select(e => long.Parse(e.TextContent.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seqs.OrderDescending(), seqs);
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
    }

    [Fact]
    public async Task A_change_outside_the_search_shown_is_not_added()
    {
        await SignInAsync("admin@demo.local", StaffRoles.Admin);
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=audit-seq]")), Wait);
        await page.InvokeAsync(() => page.Find("input[data-testid=audit-action]").Change("statement."));
        await page.InvokeAsync(() => page.Find("button[data-testid=audit-search]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.All(page.FindAll("[data-testid=audit-table] tbody tr code"), c => Assert.StartsWith("statement.", c.TextContent)), Wait);
        var rows = page.FindAll("[data-testid=audit-seq]").Count;

        // A fact change (not a statement action), then a statement change as a witness that changes do arrive.
        await SetFactAsync("note_" + Guid.NewGuid().ToString("n")[..6]);
        var title = Unique("Witness");
        await CreateStatementAsync("faq", title, "Text");

        page.WaitForAssertion(() => Assert.Contains(title, page.FindAll("[data-testid=audit-table] tbody tr").First().TextContent), Wait);
        Assert.Equal(rows + 1, page.FindAll("[data-testid=audit-seq]").Count);
        Assert.All(page.FindAll("[data-testid=audit-table] tbody tr code"), c => Assert.StartsWith("statement.", c.TextContent));
    }

    private async Task SetFactAsync(string key)
    {
        var incident = await DemoIncidentAsync();
        await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<IncidentService>().SetFactAsync(author, incident, key, "Note", FactType.Text, "Noted"));
    }

    private static long TopSeq(IRenderedComponent<AuditPage> page) =>
        long.Parse(page.FindAll("[data-testid=audit-seq]").First().TextContent.Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
