using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;

namespace CrisisComms.Tests.Features.Incidents.Pages;

/// <summary>The incidents list follows changes made elsewhere, without a reload, and flashes the changed row.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class IncidentsListLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task An_incident_changed_elsewhere_is_updated_in_its_row_which_flashes()
    {
        var id = await AsAsync("author@demo.local", async (sp, author) =>
            (await sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges { Title = Unique("Baggage"), Severity = IncidentSeverity.Minor })).Id);
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var list = Render<IncidentsList>();
        list.WaitForAssertion(() => Assert.Equal("Investigating", Row(list, id).QuerySelector("[data-testid=incident-status]")!.TextContent.Trim()), Wait);
        Assert.DoesNotContain("live-flash", Row(list, id).ClassName ?? "");

        await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<IncidentService>().UpdateAsync(author, id, new IncidentChanges { Status = IncidentStatus.Identified }));

        list.WaitForAssertion(() =>
        {
            var row = Row(list, id);
            Assert.Equal("Identified", row.QuerySelector("[data-testid=incident-status]")!.TextContent.Trim());
            Assert.Contains("live-flash", row.ClassName);
        }, Wait);
    }

    [Fact]
    public async Task An_incident_opened_elsewhere_appears_flashing()
    {
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var list = Render<IncidentsList>();
        list.WaitForAssertion(() => Assert.NotEmpty(list.FindAll("[data-testid=incident-link]")), Wait);
        var title = Unique("Outage");

        var id = await AsAsync("author@demo.local", async (sp, author) =>
            (await sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges { Title = title, Severity = IncidentSeverity.Major })).Id);

        list.WaitForAssertion(() =>
        {
            var row = Row(list, id);
            Assert.Equal(title, row.QuerySelector("[data-testid=incident-link]")!.TextContent.Trim());
            Assert.Contains("live-flash", row.ClassName);
        }, Wait);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<IncidentsList> list, Guid id) =>
        list.Find($"[data-incident-id='{id}']").Closest("tr")!;
}
