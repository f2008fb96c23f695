using System.Runtime.CompilerServices;
using System.Security.Claims;
using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Components.Layout;
using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Live;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace CrisisComms.Tests.Components.Layout;

/// <summary>
/// The drawer shows each role what it may use and nothing else; its badges follow changes as they
/// happen, and — living as long as the circuit — it lets go of the change feed when it is disposed.
/// </summary>
public sealed class StaffNavMenuTests : BunitContext, IAsyncLifetime
{
    private readonly InProcessChangeFeed _feed = new(NullLogger<InProcessChangeFeed>.Instance);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly CountingBadge _badge = new();

    public StaffNavMenuTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<IChangeFeed>(_feed);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton<INavBadge>(_badge);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(StaffRoles.Author, false)]
    [InlineData(StaffRoles.Reviewer, false)]
    [InlineData(StaffRoles.Approver, false)]
    [InlineData(StaffRoles.Admin, true)]
    public void Each_role_sees_its_own_entries(string role, bool seesUsers)
    {
        AddAuthorization().SetAuthorized($"{role.ToLowerInvariant()}@demo.local").SetRoles(role);

        var menu = Render<StaffNavMenu>();

        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard]"));
        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard-profile]"));
        Assert.Equal(seesUsers, menu.FindAll("[data-testid=nav-dashboard-admin-users]").Count > 0);
    }

    [Fact]
    public void Several_roles_see_the_union()
    {
        AddAuthorization().SetAuthorized("multi@demo.local").SetRoles(StaffRoles.Author, StaffRoles.Admin);
        var menu = Render<StaffNavMenu>();
        Assert.NotEmpty(menu.FindAll("[data-testid=nav-dashboard-admin-users]"));
    }

    [Fact]
    public void Signed_out_sees_nothing()
    {
        AddAuthorization();
        var menu = Render<StaffNavMenu>();
        Assert.Empty(menu.FindAll("a"));
    }

    [Fact]
    public void Every_entry_is_for_at_least_one_real_role()
    {
        foreach (var item in StaffNavigation.Items)
        {
            Assert.NotEmpty(item.Roles);
            Assert.All(item.Roles, r => Assert.Contains(r, StaffRoles.All));
        }
        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, StaffRoles.Admin)], "test"));
        Assert.Contains(StaffNavigation.For(admin), i => i.Href == "/dashboard/admin/users");
    }

    [Fact]
    public void A_relevant_change_recounts_the_badge_at_once_and_flashes_it_for_a_moment()
    {
        AddAuthorization().SetAuthorized("reviewer@demo.local").SetRoles(StaffRoles.Reviewer);
        _badge.Count = 1;
        var menu = Render<StaffNavMenu>();
        Assert.Equal("1", menu.Find("[data-testid=badge-dashboard-approvals]").TextContent.Trim());
        var counted = _badge.Calls;

        _badge.Count = 2;
        _feed.Publish(Change("statement.audited")); // not one the badge counts
        _feed.Publish(Change(CountingBadge.Relevant));

        menu.WaitForAssertion(() =>
        {
            var badge = menu.Find("[data-testid=badge-dashboard-approvals]");
            Assert.Equal("2", badge.TextContent.Trim());
            Assert.Contains("live-flash", badge.ClassName);
        }, TimeSpan.FromSeconds(5));
        Assert.Equal(counted + 1, _badge.Calls);

        _clock.Advance(LiveComponentBase.HighlightFor);
        menu.WaitForAssertion(() => Assert.DoesNotContain("live-flash", menu.Find("[data-testid=badge-dashboard-approvals]").ClassName), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_disposed_menu_is_unsubscribed_receives_nothing_and_can_be_collected()
    {
        AddAuthorization().SetAuthorized("reviewer@demo.local").SetRoles(StaffRoles.Reviewer);
        var before = _feed.SubscriberCount;

        var menu = RenderAndFlash();
        await DisposeComponentsAsync();

        Assert.Equal(before, _feed.SubscriberCount);
        // A delivery already under way when the menu was disposed may hold it for a moment; a real leak holds it for good.
        var collected = SpinWait.SpinUntil(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return !menu.IsAlive;
        }, TimeSpan.FromSeconds(5));
        Assert.True(collected, "the disposed menu is still referenced (by the feed, a timer or an event)");

        // Publishing now reaches no handler of the menu: only a witness subscribed afterwards hears it.
        var calls = _badge.Calls;
        var witness = new TaskCompletionSource<ChangeEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_feed.Subscribe(e => { witness.TrySetResult(e); return Task.CompletedTask; }))
        {
            _feed.Publish(Change(CountingBadge.Relevant));
            await witness.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(calls, _badge.Calls);
    }

    /// <summary>Renders the menu and lets a change flash its badge (so an un-highlight timer is pending); returns only a weak reference.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference RenderAndFlash()
    {
        var before = _feed.SubscriberCount;
        var menu = Render<StaffNavMenu>();
        Assert.Equal(before + 1, _feed.SubscriberCount);
        _badge.Count = 3;
        _feed.Publish(Change(CountingBadge.Relevant));
        // Not WaitForAssertion: bunit's wait keeps the rendered component alive until its timeout passes.
        var flashed = SpinWait.SpinUntil(
            () => menu.FindAll("[data-testid=badge-dashboard-approvals]").FirstOrDefault()?.ClassName?.Contains("live-flash", StringComparison.Ordinal) ?? false,
            TimeSpan.FromSeconds(5));
        Assert.True(flashed, "the badge did not flash");
        return new WeakReference(menu.Instance);
    }

    private static ChangeEvent Change(string action) =>
        new(1, DateTimeOffset.UnixEpoch, action, "statement", Guid.NewGuid().ToString(), null, "someone", "", Guid.NewGuid(), Guid.NewGuid());

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable, so the container must be disposed asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private sealed class CountingBadge : INavBadge
    {
        public const string Relevant = "statement.submitted";
        private int _calls;
        public int Count { get; set; }
        public int Calls => Volatile.Read(ref _calls);
        public string Href => "/dashboard/approvals";

        public Task<int> CountAsync(ClaimsPrincipal user)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Count);
        }

        public bool IsAffectedBy(ChangeEvent change, ClaimsPrincipal user) => change.Action == Relevant;
    }
}
