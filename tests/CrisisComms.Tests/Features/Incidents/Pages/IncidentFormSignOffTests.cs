using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Incidents.Pages;

/// <summary>
/// The incident form shows an Author why a public incident's title and summary cannot be changed by them, and makes an
/// Approver confirm before the public status page changes.
/// </summary>
[Collection(LivePagesCollection.Name)]
public sealed class IncidentFormSignOffTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task An_author_sees_a_public_incidents_title_and_summary_locked_with_the_reason_and_can_still_change_its_status()
    {
        // Its own public incident (an author opens it, an approver makes it public), not the shared demo one another test may change.
        var incident = (await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges { Title = Unique("Runway works"), Severity = IncidentSeverity.Minor }))).Id;
        await AsAsync("approver@demo.local", (sp, approver) => sp.GetRequiredService<IncidentService>().UpdateAsync(approver, incident, new IncidentChanges { IsPublic = true }));
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var form = Render<IncidentForm>(p => p.Add(x => x.Id, incident));
        // The note is there before the incident loads (about making one public); wait for the loaded incident's own note.
        form.WaitForAssertion(() => Assert.Contains("only an Approver or Admin can change them", form.Find("[data-testid=incident-signoff-note]").TextContent), Wait);
        Assert.True(form.Find("input[data-testid=incident-title]").HasAttribute("disabled"));
        Assert.True(form.Find("textarea[data-testid=incident-summary]").HasAttribute("disabled"));
        Assert.False(form.Find("button[data-testid=incident-save]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_approver_making_an_incident_public_is_asked_to_confirm_and_only_then_is_it_saved()
    {
        var title = Unique("Lounge closed");
        var incident = (await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges { Title = title, Severity = IncidentSeverity.Minor }))).Id;
        await SignInAsync("approver@demo.local", StaffRoles.Approver);
        var form = Render<IncidentForm>(p => p.Add(x => x.Id, incident));
        form.WaitForAssertion(() => Assert.Equal(title, form.Find("input[data-testid=incident-title]").GetAttribute("value")), Wait);
        Assert.Empty(form.FindAll("[data-testid=incident-signoff-note]"));

        await form.InvokeAsync(() => form.Find("[data-testid=incident-public] input[type=checkbox], input[type=checkbox][data-testid=incident-public]").Change(true));
        await form.InvokeAsync(() => form.Find("button[data-testid=incident-save]").ClickAsync(new()));

        form.WaitForAssertion(() => Assert.Contains("Changes the public status page at once", form.Find("[data-testid=incident-confirm]").TextContent), Wait);
        Assert.False(await IsPublicAsync(incident), "nothing is saved before the approver confirms");

        await form.InvokeAsync(() => form.Find("button[data-testid=incident-confirm-save]").ClickAsync(new()));
        // The save runs on the renderer: wait for it to land.
        Assert.True(await Poll.ReadUntilAsync(() => IsPublicAsync(incident), saved => saved, Wait), $"the incident should be public after the approver confirmed; the form says: {form.FindAll("[data-testid=incident-error]").FirstOrDefault()?.TextContent}");
    }

    private Task<bool> IsPublicAsync(Guid id) => App.WithScopeAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Incidents.AsNoTracking().Where(i => i.Id == id).Select(i => i.IsPublic).FirstAsync());
}
