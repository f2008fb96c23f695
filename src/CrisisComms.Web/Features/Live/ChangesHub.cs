using CrisisComms.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// The staff change feed over SignalR at /hubs/changes, for tools outside the browser UI (an incident
/// bot, a wall display, the benchmarks): signed-in staff only (cookie or bearer token). Each change
/// arrives as "change"; account changes only reach admins, as on the audit page.
/// </summary>
[Authorize]
public sealed class ChangesHub : Hub
{
    public const string Path = "/hubs/changes";
    public const string ChangeMessage = "change";
    public const string AdminsGroup = "admins";
    public const string StaffGroup = "staff";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User;
        if (user is null || !StaffRoles.All.Any(user.IsInRole))
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, StaffGroup);
        if (user.IsInRole(StaffRoles.Admin)) await Groups.AddToGroupAsync(Context.ConnectionId, AdminsGroup);
        await base.OnConnectedAsync();
    }
}

/// <summary>
/// Forwards this instance's changes to /hubs/changes (presence stays inside the UI). Other instances' changes are
/// theirs to send: with several instances the SignalR backplane already carries each send to every instance's clients.
/// </summary>
public sealed class ChangesHubRelay(IChangeFeed feed, IHubContext<ChangesHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(change =>
        {
            if (change.IsPresence || change.FromOtherInstance) return Task.CompletedTask;
            var group = change.IsAccountChange || change.Action.StartsWith("auth.", StringComparison.Ordinal) ? ChangesHub.AdminsGroup : ChangesHub.StaffGroup;
            return hub.Clients.Group(group).SendAsync(ChangesHub.ChangeMessage, change);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
