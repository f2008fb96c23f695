using System.Security.Claims;
using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Incidents.Pages;

namespace CrisisComms.Tests.Features.Incidents.Pages;

/// <summary>
/// A user's own action and a live refresh overlap on one page, as they do whenever someone else changes something while
/// a save is on its way to the database. Both must succeed: with one DbContext for the whole circuit, the refresh failed
/// ("A second operation was started on this context instance") and the other person's change never showed.
/// </summary>
public sealed class IncidentPageOverlapTests(CommandHoldAppFactory app) : LivePageContext(app), IClassFixture<CommandHoldAppFactory>
{
    private CommandHold Hold => app.Hold;

    [Fact]
    public async Task A_rename_made_elsewhere_shows_while_the_users_fact_is_still_saving_and_the_fact_is_saved()
    {
        var (_, coAuthor) = await App.CreateUserAsync("co-author", StaffRoles.Author);
        var incident = (await AsAsync(coAuthor, (sp, user) => sp.GetRequiredService<IncidentService>().CreateAsync(user,
            new IncidentChanges { Title = Unique("Outage"), Severity = IncidentSeverity.Major }))).Id;
        var authorId = (await App.PrincipalForAsync("author@demo.local")).FindFirstValue(ClaimTypes.NameIdentifier)!;
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var page = Render<IncidentPage>(p => p.Add(x => x.Id, incident));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-heading]")), Wait);
        // Found and used in one go on the renderer: the news of the incident's creation may re-render the page meanwhile.
        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Trim() == "Facts").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=facts-table]")), Wait);
        await page.InvokeAsync(() =>
        {
            page.Find("input[data-testid=fact-key]").Change("hotline");
            page.Find("input[data-testid=fact-label]").Change("Hotline");
            page.Find("input[data-testid=fact-value-input]").Change("0800 123 456");
        });

        // The author's save stops at its first query (every service call first checks the caller) until released.
        Hold.Arm(authorId);
        var renamed = Unique("Renamed");
        Task saving;
        try
        {
            saving = page.InvokeAsync(() => page.Find("button[data-testid=fact-save]").ClickAsync(new()));
            await Hold.Held.WaitAsync(Wait);

            await AsAsync(coAuthor, (sp, user) => sp.GetRequiredService<IncidentService>().UpdateAsync(user, incident, new IncidentChanges { Title = renamed }));

            page.WaitForAssertion(() => Assert.Equal(renamed, page.Find("[data-testid=incident-heading]").TextContent.Trim()), Wait);
        }
        finally
        {
            Hold.Release();
        }

        await saving.WaitAsync(Wait);
        page.WaitForAssertion(() => Assert.Equal("0800 123 456", page.Find("[data-testid=fact-value-hotline]").TextContent.Trim()), Wait);
        Assert.Empty(page.FindAll("[data-testid=fact-error]"));
        Assert.Equal(renamed, page.Find("[data-testid=incident-heading]").TextContent.Trim());
    }
}
