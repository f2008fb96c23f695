using System.Collections.Concurrent;
using System.Security.Claims;
using Bunit;
using CrisisComms.Tests.Features.Approvals;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Dashboard;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace CrisisComms.Tests.Features.Dashboard;

/// <summary>
/// The dashboard components render changes fed through a test change feed (the changes themselves
/// are real: made through the services, captured from the app's feed, then handed to the page),
/// and countdowns move with a fake clock.
/// </summary>
public sealed class DashboardHomeTests : BunitContext, IClassFixture<AppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AppFactory _app;
    private readonly IServiceScope _scope;
    private readonly SignOffScenario _s;
    private readonly TestChangeFeed _feed = new();
    private readonly FakeTimeProvider _clock = new(TimeProvider.System.GetUtcNow());

    public DashboardHomeTests(AppFactory app)
    {
        _app = app;
        app.CreateRawClient().Dispose(); // start the app: migrations and demo data
        _s = new SignOffScenario(app);
        _scope = CircuitScope.Create(app);
        Services.AddMudServices();
        Services.AddSingleton<IChangeFeed>(_feed);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public async Task A_change_refreshes_its_section_highlights_the_item_and_tops_the_activity_stream()
    {
        var page = await RenderAsync("reviewer@demo.local", StaffRoles.Reviewer);
        Assert.Equal(1, _feed.SubscriberCount);
        using var captured = CaptureAppChanges(out var changes);

        // Something arrives for the reviewer to sign.
        var submitted = await _s.StatementInAsync(StatementState.InReview);
        await _feed.PublishAsync(await ChangeAsync(changes, "statement.submitted", submitted));

        page.WaitForAssertion(() =>
        {
            var item = page.Find($"[data-testid=dash-waiting] [data-id='{submitted}']");
            Assert.Contains("live-flash", item.ClassList);
            var top = page.FindAll("[data-testid=dash-activity-item]")[0];
            Assert.Equal("statement.submitted", top.GetAttribute("data-action"));
            Assert.Contains("live-flash", top.ClassList);
            Assert.Contains("submitted for sign-off", top.TextContent);
        }, Wait);
        // Only the newest entry about the statement is highlighted, not its whole history.
        var created = page.FindAll("[data-testid=dash-activity-item][data-action='statement.created']")[0];
        Assert.DoesNotContain("live-flash", created.ClassList);

        // A statement is scheduled: it joins the timeline with its countdown.
        var scheduled = await _s.StatementInAsync(StatementState.Approved);
        var author = await _s.Author;
        await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().ScheduleAsync(author, scheduled, _clock.GetUtcNow().AddMinutes(5)));
        await _feed.PublishAsync(await ChangeAsync(changes, "statement.scheduled", scheduled));

        page.WaitForAssertion(() =>
        {
            var item = page.Find($"[data-testid=dash-timeline] [data-id='{scheduled}']");
            Assert.Contains("live-flash", item.ClassList);
            Assert.Contains("goes out in 5:00", item.TextContent);
            Assert.Equal("statement.scheduled", page.FindAll("[data-testid=dash-activity-item]")[0].GetAttribute("data-action"));
        }, Wait);

        // The highlight fades after its moment.
        _clock.Advance(TimeSpan.FromSeconds(3));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".live-flash")), Wait);
        Assert.Contains("goes out in 4:57", page.Find($"[data-testid=dash-timeline] [data-id='{scheduled}']").TextContent);
    }

    [Fact]
    public async Task Account_activity_fed_to_an_authors_dashboard_is_not_shown()
    {
        var page = await RenderAsync("author@demo.local", StaffRoles.Author);
        var before = page.FindAll("[data-testid=dash-activity-item]").Count;
        using var captured = CaptureAppChanges(out var changes);

        var (id, _) = await _app.CreateUserAsync("fed", StaffRoles.Author);
        await _feed.PublishAsync(await ChangeAsync(changes, "account.created", Guid.Empty, entityId: id));

        Assert.Empty(page.FindAll("[data-testid=dash-activity-item][data-action^='account.']"));
        Assert.Empty(page.FindAll(".live-flash"));
        Assert.Empty(page.FindAll("[data-testid=dash-waiting]"));
        Assert.Equal(before, page.FindAll("[data-testid=dash-activity-item]").Count);
    }

    [Fact]
    public async Task A_next_update_that_falls_due_turns_into_an_overdue_alarm_without_re_rendering_the_page()
    {
        var author = await _s.Author;
        var incident = await _s.Scoped(async sp => (await sp.GetRequiredService<IncidentService>().CreateAsync(author, new IncidentChanges
        {
            Title = "Countdown " + Guid.NewGuid().ToString("n")[..6], Severity = IncidentSeverity.Major, NextUpdateDue = _clock.GetUtcNow().AddSeconds(90),
        })).Id);
        var page = await RenderAsync("approver@demo.local", StaffRoles.Approver);
        var row = $"[data-testid=dash-incidents] [data-id='{incident}']";
        Assert.Contains("next update due in 1 min", page.Find(row).TextContent);
        // The page's own renders show in a child that re-renders with it (a link with child content);
        // the page fragment's render count would also count every countdown tick.
        var link = page.FindComponents<MudBlazor.MudLink>().First(l => l.Markup.Contains(incident.ToString(), StringComparison.Ordinal));
        var renders = link.RenderCount;

        _clock.Advance(TimeSpan.FromMinutes(2));

        page.WaitForAssertion(() =>
        {
            var alarm = page.Find($"{row} [data-testid=countdown-overdue]");
            Assert.Contains("OVERDUE", alarm.TextContent);
            Assert.Contains("by less than a minute", alarm.TextContent);
        }, Wait);
        _clock.Advance(TimeSpan.FromMinutes(5));
        page.WaitForAssertion(() => Assert.Contains("by 5 min", page.Find($"{row} [data-testid=overdue-by]").TextContent), Wait);
        Assert.Equal("OVERDUE", Assert.Single(page.FindAll($"{row} [role=alert]")).TextContent.Trim());
        Assert.Equal(renders, link.RenderCount);

        // The probe does see the page's renders: a change does re-render it.
        await _feed.PublishAsync(new ChangeEvent(long.MaxValue, _clock.GetUtcNow(), "fact.changed", "incident", incident.ToString(), null, "someone", "probe", incident, null));
        page.WaitForAssertion(() => Assert.True(link.RenderCount > renders), Wait);
    }

    [Fact]
    public void A_countdown_to_a_publication_ticks_every_second_then_goes_out_then_says_it_is_late()
    {
        var countdown = Render<Countdown>(p => p.Add(c => c.Due, _clock.GetUtcNow().AddSeconds(45)).Add(c => c.Kind, CountdownKind.GoesOut));
        Assert.Equal("goes out in 0:45", countdown.Find("[data-testid=countdown]").TextContent.Trim());

        _clock.Advance(TimeSpan.FromSeconds(1));
        countdown.WaitForAssertion(() => Assert.Equal("goes out in 0:44", countdown.Find("[data-testid=countdown]").TextContent.Trim()), Wait);
        _clock.Advance(TimeSpan.FromSeconds(44));
        countdown.WaitForAssertion(() => Assert.Equal("going out now", countdown.Find("[data-testid=countdown]").TextContent.Trim()), Wait);
        _clock.Advance(TimeSpan.FromMinutes(2));
        countdown.WaitForAssertion(() => Assert.Contains("late by 2 min", countdown.Find("[data-testid=countdown-late]").TextContent), Wait);
        Assert.Empty(countdown.FindAll("[role=alert]"));
    }

    [Fact]
    public void A_countdown_stops_ticking_when_it_is_disposed()
    {
        var countdown = Render<Countdown>(p => p.Add(c => c.Due, _clock.GetUtcNow().AddMinutes(10)).Add(c => c.Kind, CountdownKind.NextUpdate));
        _clock.Advance(TimeSpan.FromSeconds(1));
        countdown.WaitForAssertion(() => Assert.Equal(2, countdown.RenderCount), Wait);

        countdown.Instance.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(2, countdown.RenderCount);
    }

    [Theory]
    [InlineData(45.0, "0:45")]
    [InlineData(44.2, "0:45")]
    [InlineData(0.0, "0:00")]
    [InlineData(725.0, "12:05")]
    [InlineData(3723.0, "1:02:03")]
    [InlineData(93784.0, "1 d 02:03:04")]
    public void Countdown_clock_text(double seconds, string expected) =>
        Assert.Equal(expected, CountdownText.Clock(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(30.0, "less than a minute")]
    [InlineData(-300.0, "5 min")]
    [InlineData(12 * 60 + 59.0, "12 min")]
    [InlineData(3 * 3600 + 20 * 60.0, "3 h 20 min")]
    [InlineData(2 * 86400 + 4 * 3600.0, "2 d 4 h")]
    public void Countdown_words(double seconds, string expected) =>
        Assert.Equal(expected, CountdownText.Words(TimeSpan.FromSeconds(seconds)));

    private async Task<IRenderedComponent<DashboardHome>> RenderAsync(string email, params string[] roles)
    {
        var principal = await _app.PrincipalForAsync(email);
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles(roles);
        auth.SetClaims(principal.Claims.Where(c => c.Type != ClaimTypes.Name && c.Type != ClaimTypes.Role).ToArray());
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true)); // as in a live circuit (DocumentTitle asks)
        var page = Render<DashboardHome>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=dash-activity]")), Wait);
        Assert.NotEmpty(page.FindAll("[data-testid=dash-incidents]"));
        Assert.NotEmpty(page.FindAll("[data-testid=dash-timeline]"));
        Assert.NotEmpty(page.FindAll("[data-testid=dash-published]"));
        foreach (var role in roles) Assert.NotEmpty(page.FindAll($"[data-testid=role-card-{role.ToLowerInvariant()}]"));
        return page;
    }

    /// <summary>Collects what the app's real feed carries, so the test can hand the page genuine changes.</summary>
    private IDisposable CaptureAppChanges(out ConcurrentQueue<ChangeEvent> changes)
    {
        var queue = new ConcurrentQueue<ChangeEvent>();
        changes = queue;
        return _app.Services.GetRequiredService<IChangeFeed>().Subscribe(e => { queue.Enqueue(e); return Task.CompletedTask; });
    }

    private static Task<ChangeEvent> ChangeAsync(ConcurrentQueue<ChangeEvent> changes, string action, Guid statement, string? entityId = null) =>
        Poll.UntilAsync(() => changes.FirstOrDefault(e => e.Action == action && (entityId is null ? e.StatementId == statement : e.EntityId == entityId)),
            TimeSpan.FromSeconds(5), action + " on the app's feed");

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable, so the container must be disposed asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _scope.Dispose();
    }
}
