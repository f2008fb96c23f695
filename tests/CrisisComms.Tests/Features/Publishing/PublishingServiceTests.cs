using System.Net;
using CrisisComms.Tests.Features.Approvals;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrisisComms.Tests.Features.Publishing;

/// <summary>
/// Scheduling and publishing against a fake clock: never early, at most once, only the approved
/// text, and whatever fires (timer, Hangfire, a dashboard trigger) the database decides.
/// </summary>
public sealed class PublishingServiceTests() : PublishingServiceCases(postgres: null);

/// <summary>The same on PostgreSQL: the concurrency token and the unique publication index decide there too.</summary>
public sealed class PublishingServiceOnPostgresTests() : PublishingServiceCases(postgres: true);

/// <summary>The cases of <see cref="PublishingServiceTests"/>, run once per database provider.</summary>
public abstract class PublishingServiceCases : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero); // 8 am Sydney
    private readonly AppFactory _app;
    private readonly SignOffScenario _s;

    /// <param name="postgres">true: PostgreSQL; null: SQLite unless CRISISCOMMS_TEST_DATABASE says otherwise.</param>
    protected PublishingServiceCases(bool? postgres)
    {
        _app = AppFactory.WithFakeClock(Start, postgres: postgres);
        _app.CreateRawClient().Dispose();
        _s = new SignOffScenario(_app);
    }

    private FakeClock Time => new(_app.Clock!);

    [Fact]
    public async Task A_past_time_or_one_less_than_two_seconds_ahead_is_refused_and_nothing_changes()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        var past = await Assert.ThrowsAsync<AppValidationException>(() => ScheduleAsync(id, Start.AddMinutes(-1)));
        Assert.Contains("is in the past", past.Errors["at"][0]);
        await Assert.ThrowsAsync<AppValidationException>(() => ScheduleAsync(id, Start.AddSeconds(1)));
        Assert.Equal(StatementState.Approved, await _s.StateAsync(id));
    }

    [Theory]
    [InlineData(StatementState.Draft)]
    [InlineData(StatementState.InReview)]
    [InlineData(StatementState.Withdrawn)]
    public async Task Only_an_approved_statement_can_be_scheduled(StatementState state)
    {
        var id = await _s.StatementInAsync(state);
        var error = await Assert.ThrowsAsync<ConflictException>(() => ScheduleAsync(id, Start.AddHours(1)));
        Assert.Contains("only an approved statement can be scheduled", error.Message);
        Assert.Equal(state, await _s.StateAsync(id));
    }

    [Fact]
    public async Task An_approval_on_different_text_blocks_scheduling()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await _s.Scoped(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var approval = await db.Approvals.FirstAsync(a => a.StatementId == id);
            approval.ContentHash = new string('f', 64);
            await db.SaveChangesAsync();
        });
        var error = await Assert.ThrowsAsync<ConflictException>(() => ScheduleAsync(id, Start.AddHours(1)));
        Assert.Contains("different text", error.Message);
    }

    [Fact]
    public async Task A_trigger_before_the_time_publishes_nothing_and_the_statement_stays_scheduled()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await ScheduleAsync(id, Start.AddMinutes(10));
        var revision = await _s.CurrentRevisionAsync(id);

        Time.Advance(TimeSpan.FromMinutes(9)); // as a "Trigger now" from a dashboard would
        var early = await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishIfDueAsync(id, revision, PublishTrigger.Hangfire));

        Assert.Null(early);
        Assert.Equal(StatementState.Scheduled, await _s.StateAsync(id));
        Assert.Empty(await PublicationsAsync(id));
    }

    [Fact]
    public async Task Two_triggers_at_once_publish_exactly_once_with_the_approved_text()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await ScheduleAsync(id, Start.AddMinutes(5));
        var revision = await _s.CurrentRevisionAsync(id);
        Time.Advance(TimeSpan.FromMinutes(5));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishIfDueAsync(id, revision, PublishTrigger.Hangfire)))));

        var publications = await PublicationsAsync(id);
        Assert.Single(publications);
        Assert.True(results.Count(r => r is not null) <= 1);
        Assert.Equal(StatementState.Published, await _s.StateAsync(id));
        var stored = await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == revision));
        Assert.Equal((stored.Html, stored.ContentHash, stored.Title), (publications[0].Html, publications[0].ContentHash, publications[0].Title));
        Assert.True(publications[0].PublishedAt >= Start.AddMinutes(5));
    }

    [Fact]
    public async Task Unscheduling_or_editing_cancels_the_pending_trigger()
    {
        var unscheduled = await _s.StatementInAsync(StatementState.Approved);
        var edited = await _s.StatementInAsync(StatementState.Approved);
        await ScheduleAsync(unscheduled, Start.AddMinutes(5));
        await ScheduleAsync(edited, Start.AddMinutes(5));
        var (r1, r2) = (await _s.CurrentRevisionAsync(unscheduled), await _s.CurrentRevisionAsync(edited));

        await _s.Scoped(async sp => await sp.GetRequiredService<PublishingService>().UnscheduleAsync(await _s.Author, unscheduled));
        await _s.EditAsync(edited, "A late change");
        Time.Advance(TimeSpan.FromMinutes(6));

        Assert.Null(await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishIfDueAsync(unscheduled, r1, PublishTrigger.Hangfire)));
        Assert.Null(await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishIfDueAsync(edited, r2, PublishTrigger.Hangfire)));
        Assert.Equal(StatementState.Approved, await _s.StateAsync(unscheduled));
        Assert.Equal(StatementState.Draft, await _s.StateAsync(edited));
        Assert.Empty(await PublicationsAsync(unscheduled));
        Assert.Empty(await PublicationsAsync(edited));
    }

    [Fact]
    public async Task The_sweep_publishes_what_is_overdue_and_raises_the_event_once()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await ScheduleAsync(id, Start.AddMinutes(2));
        var events = new List<StatementPublished>();
        var bus = _app.Services.GetRequiredService<PublicationEvents>();
        Task Handler(StatementPublished e) { lock (events) events.Add(e); return Task.CompletedTask; }
        bus.Subscribe(Handler);
        try
        {
            Time.Advance(TimeSpan.FromMinutes(3));
            await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishOverdueAsync(PublishTrigger.Sweep));
            await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishOverdueAsync(PublishTrigger.Sweep));
        }
        finally { bus.Unsubscribe(Handler); }

        var publication = Assert.Single(await PublicationsAsync(id));
        Assert.Equal(60_000, publication.LatenessMs, tolerance: 1_000); // it was a minute overdue when swept
        lock (events) Assert.Single(events, e => e.StatementId == id);
    }

    [Fact]
    public async Task Publish_now_works_for_approved_statements_only()
    {
        var approved = await _s.StatementInAsync(StatementState.Approved);
        var draft = await _s.StatementInAsync(StatementState.Draft);
        using var author = await _app.ClientForAsync("author@demo.local");

        Assert.Equal(HttpStatusCode.OK, (await author.PostAsync($"/api/staff/v1/statements/{approved}/publish", null)).StatusCode);
        var refused = await author.PostAsync($"/api/staff/v1/statements/{draft}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await author.PostAsync($"/api/staff/v1/statements/{approved}/publish", null)).StatusCode); // at most once
        Assert.Single(await PublicationsAsync(approved));
    }

    [Fact]
    public async Task The_api_schedules_and_shows_the_schedule_and_refuses_bad_times()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        using var author = await _app.ClientForAsync("author@demo.local");

        var bad = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/schedule", new { at = "2026-11-27 09:00" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("with an offset", (await ProblemJson.ReadAsync(bad)).Errors!["at"][0]);

        var ok = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/schedule", new { at = "2026-11-27T09:00:00+11:00" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var statement = await author.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/staff/v1/statements/{id}");
        Assert.Equal("scheduled", statement.GetProperty("state").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.Zero), statement.GetProperty("scheduledFor").GetDateTimeOffset());

        using var reviewer = await _app.ClientForAsync("reviewer@demo.local");
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsync($"/api/staff/v1/statements/{id}/unschedule", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsync($"/api/staff/v1/statements/{id}/unschedule", null)).StatusCode);
    }

    [Fact]
    public async Task A_sequence_is_scheduled_all_or_none()
    {
        var first = await _s.StatementInAsync(StatementState.Approved);
        var second = await _s.StatementInAsync(StatementState.Approved);
        var draft = await _s.StatementInAsync(StatementState.Draft);
        using var author = await _app.ClientForAsync("author@demo.local");

        var refused = await author.PostAsJsonAsync("/api/staff/v1/schedule-sequence", new
        {
            start = "2026-11-27T09:00:00+11:00",
            statements = new object[] { new { id = first, offset = "00:00:00" }, new { id = draft, offset = "00:05:00" } },
        });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(StatementState.Approved, await _s.StateAsync(first));

        var ok = await author.PostAsJsonAsync("/api/staff/v1/schedule-sequence", new
        {
            start = "2026-11-27T09:00:00+11:00",
            statements = new object[] { new { id = first, offset = "00:00:00" }, new { id = second, offset = "00:05:00" } },
        });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var dueSecond = await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().Statements.Where(s => s.Id == second).Select(s => s.ScheduledFor).SingleAsync());
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 5, 0, TimeSpan.Zero), dueSecond);
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_admins_only()
    {
        using var anonymous = _app.CreateRawClient();
        var anon = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, anon.StatusCode);
        Assert.StartsWith("/Account/Login", anon.Headers.Location!.PathAndQuery);

        foreach (var email in new[] { "author@demo.local", "reviewer@demo.local", "approver@demo.local" })
        {
            var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            await LoginForm.PostAsync(browser, email, AppFactory.DemoPassword);
            var response = await browser.GetAsync("/hangfire");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("CrisisComms jobs", await response.Content.ReadAsStringAsync());
        }

        var admin = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await LoginForm.PostAsync(admin, "admin@demo.local", AppFactory.DemoPassword);
        var page = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("CrisisComms jobs", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Text_changed_behind_the_approval_is_never_published_and_staff_are_told()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await ScheduleAsync(id, Start.AddMinutes(1));
        var revision = await _s.CurrentRevisionAsync(id);
        await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(
            "UPDATE \"StatementRevisions\" SET \"Html\" = '<p>Something nobody approved</p>' WHERE \"Id\" = {0}", revision));
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishIfDueAsync(id, revision, PublishTrigger.Hangfire));

        Assert.Null(result);
        Assert.Empty(await PublicationsAsync(id));
        Assert.Equal(StatementState.Scheduled, await _s.StateAsync(id));
        Assert.Contains(_app.Services.GetRequiredService<PublishingHealth>().Failures, f => f.StatementId == id && f.Error.Contains("no longer matches its hash"));
        var actions = await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.EntityId == id.ToString()).Select(a => a.Action).ToListAsync());
        Assert.Contains("statement.publish-failed", actions);
    }

    [Fact]
    public void Failed_jobs_are_retried_within_seconds_not_hours()
    {
        var retry = Hangfire.GlobalJobFilters.Filters.Select(f => f.Instance).OfType<Hangfire.AutomaticRetryAttribute>().Single();
        Assert.Equal(1, retry.DelaysInSeconds[0]);
        Assert.True(retry.DelaysInSeconds.Take(5).Sum() <= 30, "the first five retries should come within half a minute");
    }

    private async Task ScheduleAsync(Guid id, DateTimeOffset at)
    {
        var author = await _s.Author;
        await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().ScheduleAsync(author, id, at));
    }

    private Task<List<Publication>> PublicationsAsync(Guid id) =>
        _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().Publications.AsNoTracking().Where(p => p.StatementId == id).ToListAsync());

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    private readonly record struct FakeClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider Provider)
    {
        public void Advance(TimeSpan by) => Provider.Advance(by);
    }
}
