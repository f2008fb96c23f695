using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Dashboard;

/// <summary>
/// The staff home. <see cref="DashboardService"/> decides what is shown and in which order; this
/// page renders it and, on each change, reloads only the sections the change affects and
/// highlights the changed item. Countdowns tick by themselves (<see cref="Countdown"/>).
/// </summary>
public partial class DashboardHome : LiveComponentBase
{
    [Inject] private PerOperation<DashboardService> Dashboard { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    // The first load and live refreshes update _view one at a time, so a slow refresh cannot overwrite a newer one.
    // Never disposed: a refresh may still hold it when the page goes, and without a wait handle it owns nothing.
    // Each query runs in a scope (and DbContext) of its own: the page keeps no DbContext for the circuit's lifetime.
    private readonly SemaphoreSlim _loading = new(1, 1);
    private DashboardView? _view;
    private string? _error;
    private System.Security.Claims.ClaimsPrincipal? _user;

    /// <summary>MudLink's classes, for a plain link.</summary>
    private static string LinkClass(string typo) => "mud-typography mud-link mud-primary-text mud-link-underline-hover mud-typography-" + typo;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState).User;
        if (user.Identity?.IsAuthenticated == true) _user = user;
        await _loading.WaitAsync();
        try
        {
            _view = await Dashboard.RunAsync(d => d.LoadAsync(user));
            _error = null;
        }
        catch (AccessDeniedException e)
        {
            _error = e.Message;
        }
        finally
        {
            _loading.Release();
        }
    }

    protected override bool Shows(ChangeEvent change) =>
        // Before the first load finishes nobody knows the viewer's roles yet; let the refresh decide.
        _view is { } view ? DashboardService.Affected(change, view.SeesAccountActivity) != DashboardSections.None : !change.IsPresence;

    protected override async Task RefreshAsync(ChangeEvent change)
    {
        await _loading.WaitAsync();
        try
        {
            if (_view is not { } view) return;
            var sections = DashboardService.Affected(change, view.SeesAccountActivity);
            var user = (await AuthState).User;
            if (sections.HasFlag(DashboardSections.Incidents)) view = view with { Incidents = await Dashboard.RunAsync(d => d.IncidentsAsync(user)) };
            if (sections.HasFlag(DashboardSections.Waiting)) view = view with { Waiting = await Dashboard.RunAsync(d => d.WaitingAsync(user)) };
            if (sections.HasFlag(DashboardSections.Timeline)) view = view with { Timeline = await Dashboard.RunAsync(d => d.TimelineAsync(user)) };
            if (sections.HasFlag(DashboardSections.Published)) view = view with { Published = await Dashboard.RunAsync(d => d.PublishedAsync(user)) };
            if (sections.HasFlag(DashboardSections.Activity))
            {
                // Only what is newer than the top of the stream; it goes on top, the oldest drop off.
                var newer = await Dashboard.RunAsync(d => d.ActivityAsync(user, view.Activity.Count > 0 ? view.Activity[0].Seq : 0));
                view = view with { Activity = [.. newer.Concat(view.Activity).DistinctBy(a => a.Seq).Take(DashboardService.ActivitySize)] };
            }
            _view = view;
            _error = null;
        }
        catch (AccessDeniedException e)
        {
            // A role removed or an account disabled takes effect here too.
            _error = e.Message;
            _view = null;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The activity entry that brought the latest change to its entity is the one highlighted.</summary>
    private string ActivityFlash(ActivityItem item) =>
        IsHighlighted(item.EntityId) && _view!.Activity.First(a => a.EntityId == item.EntityId).Seq == item.Seq ? "live-flash" : "";

    private static string PublishedHow(PublishedItem item) => item.Trigger switch
    {
        Publishing.PublishTrigger.Manual => "published now by hand",
        _ => item.LatenessMs > 2000
            ? $"on schedule, {CountdownText.Words(TimeSpan.FromMilliseconds(item.LatenessMs))} late"
            : "on schedule",
    };
}
