using System.Security.Claims;
using CrisisComms.Tests.Features.Approvals;
using CrisisComms.Tests.Features.StatusPage;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Dashboard;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Identity;

namespace CrisisComms.Tests.Features.Dashboard;

/// <summary>
/// The dashboard's queries against the real app on SQLite (where ordering by a time only works
/// because times are stored as UTC ticks): urgency order, the publishing timeline, what went out,
/// and an activity stream that does not leak account activity to non-admins.
/// </summary>
public sealed class DashboardServiceTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _p = new(app);
    private SignOffScenario S => _p.SignOff;
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task Unresolved_incidents_come_overdue_first_then_soonest_due_then_most_severe()
    {
        var marker = PublicScenario.Marker("URGENT");
        var soonMinor = await IncidentAsync(marker + " soon minor", IncidentSeverity.Minor, Now.AddMinutes(5));
        var laterCritical = await IncidentAsync(marker + " later critical", IncidentSeverity.Critical, Now.AddHours(2));
        var undatedMinor = await IncidentAsync(marker + " undated minor", IncidentSeverity.Minor, null);
        var overdueMinor = await IncidentAsync(marker + " overdue minor", IncidentSeverity.Minor, Now.AddMinutes(-10));
        var undatedCritical = await IncidentAsync(marker + " undated critical", IncidentSeverity.Critical, null);
        var veryOverdue = await IncidentAsync(marker + " very overdue major", IncidentSeverity.Major, Now.AddHours(-3).AddDays(-1));
        var resolved = await IncidentAsync(marker + " resolved", IncidentSeverity.Critical, Now.AddMinutes(-30));
        await S.Scoped(async sp => await sp.GetRequiredService<IncidentService>().UpdateAsync(await S.Author, resolved, new IncidentChanges { Status = IncidentStatus.Resolved }));

        var incidents = await DashboardAsync(S.Reviewer, (d, who) => d.IncidentsAsync(who));

        var mine = incidents.Where(i => i.Title.StartsWith(marker, StringComparison.Ordinal)).Select(i => i.Id).ToList();
        Assert.Equal([veryOverdue, overdueMinor, soonMinor, laterCritical, undatedCritical, undatedMinor], mine);
        Assert.DoesNotContain(incidents, i => i.Id == resolved);
        Assert.True(incidents.Single(i => i.Id == overdueMinor).Overdue);
        Assert.False(incidents.Single(i => i.Id == soonMinor).Overdue);
        // The same rule across everything listed, not only this test's incidents.
        var overdueFlags = incidents.Select(i => i.Overdue).ToList();
        Assert.Equal(overdueFlags.OrderByDescending(o => o), overdueFlags);
    }

    [Fact]
    public async Task The_timeline_lists_scheduled_statements_soonest_first_with_their_incident()
    {
        var third = await S.StatementInAsync(StatementState.Approved);
        var first = await S.StatementInAsync(StatementState.Approved);
        var second = await S.StatementInAsync(StatementState.Approved);
        var notScheduled = await S.StatementInAsync(StatementState.Approved);
        // A day and an hour apart as well as minutes, so a text ordering of the times would fail.
        await ScheduleAsync(third, Now.AddDays(1).AddHours(1));
        await ScheduleAsync(first, Now.AddHours(1));
        await ScheduleAsync(second, Now.AddHours(9));

        var timeline = await DashboardAsync(S.Author, (d, who) => d.TimelineAsync(who));

        Assert.Equal([first, second, third], timeline.Select(t => t.StatementId).Where(id => id == first || id == second || id == third));
        Assert.DoesNotContain(timeline, t => t.StatementId == notScheduled);
        Assert.Equal(timeline.Select(t => t.ScheduledFor).Order(), timeline.Select(t => t.ScheduledFor));
        Assert.True(timeline.Count <= DashboardService.TimelineSize);
        var item = timeline.Single(t => t.StatementId == first);
        Assert.Equal(await DemoIncidentTitleAsync(), item.IncidentTitle);
        Assert.StartsWith("Statement ", item.Title);
    }

    [Fact]
    public async Task Recently_published_is_newest_first_with_its_incident()
    {
        var incident = await _p.DemoIncidentAsync();
        var older = await _p.PublishAsync(incident, PublicScenario.Marker("OLDER"));
        var newer = await _p.PublishAsync(incident, PublicScenario.Marker("NEWER"));

        var published = await DashboardAsync(S.Approver, (d, who) => d.PublishedAsync(who));

        Assert.Equal(newer, published[0].StatementId);
        Assert.Equal(older, published[1].StatementId);
        Assert.Equal(published.Select(p => p.PublishedAt).OrderDescending(), published.Select(p => p.PublishedAt));
        Assert.True(published.Count <= DashboardService.PublishedSize);
        Assert.Equal(await DemoIncidentTitleAsync(), published[0].IncidentTitle);
        Assert.Equal(PublishTrigger.Manual, published[0].Trigger);
    }

    [Fact]
    public async Task The_activity_stream_hides_account_and_sign_in_activity_from_an_author_but_shows_it_to_an_admin()
    {
        var statement = await S.StatementInAsync(StatementState.Draft);
        var (_, email) = await app.CreateUserAsync("stream", StaffRoles.Author);

        var forAuthor = await DashboardAsync(S.Author, (d, who) => d.ActivityAsync(who));
        var forAdmin = await DashboardAsync(S.Admin, (d, who) => d.ActivityAsync(who));

        Assert.DoesNotContain(forAuthor, a => a.Action.StartsWith("account.", StringComparison.Ordinal) || a.Action.StartsWith("auth.", StringComparison.Ordinal));
        Assert.DoesNotContain(forAuthor, a => a.Summary.Contains(email, StringComparison.Ordinal));
        var created = Assert.Single(forAdmin, a => a.Action == "account.created" && a.Summary.Contains(email, StringComparison.Ordinal));
        Assert.Equal("created the account", created.Verb);

        var drafted = Assert.Single(forAuthor, a => a.Action == "statement.created" && a.EntityId == statement.ToString());
        Assert.Equal("author@demo.local", drafted.ActorName);
        Assert.Equal("drafted", drafted.Verb);
        Assert.StartsWith("Statement ", drafted.Target);
        Assert.Equal($"/dashboard/statements/{statement}", drafted.Href);
        Assert.True(forAuthor.Count <= DashboardService.ActivitySize);
        Assert.Equal(forAuthor.Select(a => a.Seq).OrderDescending(), forAuthor.Select(a => a.Seq));
    }

    [Fact]
    public async Task Activity_after_a_sequence_number_is_only_what_is_newer()
    {
        var top = (await DashboardAsync(S.Author, (d, who) => d.ActivityAsync(who)))[0].Seq;
        var statement = await S.StatementInAsync(StatementState.InReview);

        var newer = await DashboardAsync(S.Author, (d, who) => d.ActivityAsync(who, afterSeq: top));

        Assert.All(newer, a => Assert.True(a.Seq > top));
        Assert.Equal(["statement.submitted", "statement.created"], newer.Where(a => a.EntityId == statement.ToString()).Select(a => a.Action));
    }

    [Fact]
    public async Task Waiting_for_me_is_the_signers_list_and_absent_for_those_who_sign_nothing()
    {
        var statement = await S.StatementInAsync(StatementState.InReview);

        var reviewer = await DashboardAsync(S.Reviewer, (d, who) => d.LoadAsync(who));
        var author = await DashboardAsync(S.Author, (d, who) => d.LoadAsync(who));

        var item = Assert.Single(reviewer.Waiting!, w => w.StatementId == statement);
        Assert.Contains(StaffRoles.Reviewer, item.RolesYouCanSign);
        Assert.Null(author.Waiting);
        Assert.False(author.SeesAccountActivity);
        Assert.True((await DashboardAsync(S.Admin, (d, who) => d.LoadAsync(who))).SeesAccountActivity);
    }

    [Fact]
    public async Task Someone_without_a_staff_role_or_not_signed_in_is_refused()
    {
        var (id, email) = await app.CreateUserAsync("roleless", StaffRoles.Author);
        await S.Scoped(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.RemoveFromRoleAsync((await users.FindByIdAsync(id))!, StaffRoles.Author)).Succeeded);
        });
        var roleless = await app.PrincipalForAsync(email);

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => DashboardAsync(Task.FromResult(roleless), (d, who) => d.LoadAsync(who)));
        Assert.Contains("no roles", refused.Message);
        await Assert.ThrowsAsync<AccessDeniedException>(() => DashboardAsync(Task.FromResult(roleless), (d, who) => d.ActivityAsync(who)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => DashboardAsync(Task.FromResult(new ClaimsPrincipal(new ClaimsIdentity())), (d, who) => d.IncidentsAsync(who)));
    }

    [Theory]
    [InlineData("statement.published", false, DashboardSections.Timeline | DashboardSections.Published | DashboardSections.Activity)]
    [InlineData("statement.submitted", false, DashboardSections.Waiting | DashboardSections.Activity)]
    [InlineData("statement.revised", false, DashboardSections.Waiting | DashboardSections.Timeline | DashboardSections.Activity)]
    [InlineData("statement.scheduled", false, DashboardSections.Timeline | DashboardSections.Activity)]
    [InlineData("incident.updated", false, DashboardSections.Incidents | DashboardSections.Activity)]
    [InlineData("fact.changed", false, DashboardSections.Activity)]
    [InlineData("account.created", false, DashboardSections.None)]
    [InlineData("auth.sign-in-failed", false, DashboardSections.None)]
    [InlineData("account.created", true, DashboardSections.Activity)]
    [InlineData("account.role-removed", true, DashboardSections.Waiting | DashboardSections.Activity)]
    [InlineData(ChangeEvent.PresenceChanged, true, DashboardSections.None)]
    public void A_change_refreshes_only_the_sections_it_affects_and_nothing_the_viewer_may_not_see(string action, bool admin, DashboardSections expected)
    {
        var change = new ChangeEvent(1, Now, action, "statement", Guid.NewGuid().ToString(), null, "someone", "summary", null, null);
        Assert.Equal(expected, DashboardService.Affected(change, admin));
    }

    private async Task<Guid> IncidentAsync(string title, IncidentSeverity severity, DateTimeOffset? due)
    {
        var author = await S.Author;
        var id = await S.Scoped(async sp => (await sp.GetRequiredService<IncidentService>().CreateAsync(author,
            new IncidentChanges { Title = title, Severity = severity, NextUpdateDue = due > Now ? due : null, IsPublic = false })).Id);
        // A promise that fell overdue since it was made (the service refuses one that is past already when made).
        if (due is { } past && past <= Now)
            await S.Scoped(async sp =>
            {
                var db = sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>();
                await db.Incidents.Where(i => i.Id == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.NextUpdateDue, past));
            });
        return id;
    }

    private async Task ScheduleAsync(Guid id, DateTimeOffset at)
    {
        var author = await S.Author;
        await S.Scoped(sp => sp.GetRequiredService<PublishingService>().ScheduleAsync(author, id, at));
    }

    private Task<string> DemoIncidentTitleAsync() => S.Scoped(sp =>
        sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>().Incidents.Where(i => i.Slug == "customer-data-breach").Select(i => i.Title).SingleAsync());

    /// <summary>One dashboard read in its own scope, as one page load would be.</summary>
    private async Task<T> DashboardAsync<T>(Task<ClaimsPrincipal> who, Func<DashboardService, ClaimsPrincipal, Task<T>> query)
    {
        var principal = await who;
        return await app.WithScopeAsync(sp => query(sp.GetRequiredService<DashboardService>(), principal));
    }
}
