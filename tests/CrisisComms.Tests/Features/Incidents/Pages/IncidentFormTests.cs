using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Incidents.Pages;

/// <summary>The incident form: a broken promise is refused at the field, and an edit records only what the user changed.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class IncidentFormTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task A_next_update_due_in_the_past_is_refused_with_a_message_at_the_field_and_nothing_is_opened()
    {
        var title = Unique("Past promise");
        var past = await App.WithScopeAsync(sp =>
        {
            var time = sp.GetRequiredService<StaffTime>();
            return Task.FromResult(time.ToInput(time.Now.AddHours(-1)));
        });
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var form = Render<IncidentForm>();

        await form.InvokeAsync(() => form.Find("input[data-testid=incident-title]").Change(title));
        await form.InvokeAsync(() => form.Find("input[data-testid=incident-next-update-due]").Change(past));
        await form.InvokeAsync(() => form.Find("button[data-testid=incident-save]").ClickAsync(new()));

        form.WaitForAssertion(() =>
        {
            Assert.Contains("Nothing was saved", form.Find("[data-testid=incident-error]").TextContent);
            Assert.Contains("Next update due must be in the future", form.Markup);
        }, Wait);
        Assert.False(await App.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Incidents.AnyAsync(i => i.Title == title)));
    }

    [Fact]
    public async Task Saving_an_edit_records_only_the_field_the_user_changed()
    {
        // Times with seconds, as the API may set them; the form shows minutes, and must not "change" them by saving.
        var detected = TimeProvider.System.GetUtcNow().AddHours(-3).AddSeconds(17);
        var incident = await AsAsync("author@demo.local", async (sp, author) => (await sp.GetRequiredService<IncidentService>().CreateAsync(author,
            new IncidentChanges { Title = Unique("Edit me"), Severity = IncidentSeverity.Minor, DetectedAt = detected, NextUpdateDue = TimeProvider.System.GetUtcNow().AddHours(5).AddSeconds(23) })).Id);
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var form = Render<IncidentForm>(p => p.Add(x => x.Id, incident));
        form.WaitForAssertion(() => Assert.StartsWith("Edit me", form.Find("input[data-testid=incident-title]").GetAttribute("value")), Wait);

        await form.InvokeAsync(() => form.Find("input[data-testid=incident-summary], textarea[data-testid=incident-summary]").Change("Now with a summary."));
        await form.InvokeAsync(() => form.Find("button[data-testid=incident-save]").ClickAsync(new()));

        var summary = await Poll.UntilAsync(() => App.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries
            .Where(a => a.EntityId == incident.ToString() && a.Action == "incident.updated").Select(a => a.Summary).FirstOrDefaultAsync()).Result, Wait, "the update");
        Assert.Equal("Changed summary: (empty) → Now with a summary.", summary);
        var stored = await App.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Incidents.AsNoTracking().SingleAsync(i => i.Id == incident));
        Assert.Equal(detected, stored.DetectedAt);
    }
}
