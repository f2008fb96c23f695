using CrisisComms.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using System.Security.Claims;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// The staff change feed over SignalR at /hubs/changes, for tools outside the browser UI (an incident
/// bot, a wall display, the benchmarks): signed-in staff only (cookie or bearer token). Each change
/// arrives as "change"; account changes only reach admins, as on the audit page. Connections follow the account
/// (<see cref="StaffHubConnections"/>): disabled, signed out, password reset or a role removed closes them within
/// seconds, and which events reach a connection follows the user's current roles.
/// </summary>
[Authorize]
public sealed class ChangesHub(StaffHubConnections connections) : Hub
{
    public const string Path = "/hubs/changes";
    public const string ChangeMessage = "change";
    public const string AdminsGroup = "admins";
    public const string StaffGroup = "staff";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User;
        var userId = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        var roles = StaffRoles.All.Where(r => user?.IsInRole(r) == true).ToHashSet(StringComparer.Ordinal);
        if (userId is null || roles.Count == 0)
        {
            Context.Abort();
            return;
        }
        // Known before it joins a group: an account change from now on finds it.
        connections.Add(Context, userId, roles);
        foreach (var group in StaffHubConnections.GroupsFor(roles)) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Forwards this instance's changes to /hubs/changes (presence stays inside the UI). Other instances' changes are
/// theirs to send: with several instances the SignalR backplane already carries each send to every instance's clients.
/// An account change (from any instance) first re-checks that user's connections here, before the next event is sent,
/// so a connection that just lost a role or its session receives nothing more it may no longer see.
/// </summary>
public sealed class ChangesHubRelay(IChangeFeed feed, IHubContext<ChangesHub> hub, StaffHubConnections connections, ILogger<ChangesHubRelay> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(async change =>
        {
            if (change.IsPresence) return;
            if (change.IsAccountChange && change.EntityType == "user")
            {
                try { await connections.RecheckUserAsync(change.EntityId); }
                catch (ObjectDisposedException) { return; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The periodic re-check is the safety net; the event itself still goes out to admins.
                    logger.LogWarning(e, "Re-checking the change-feed connections of user {UserId} failed", change.EntityId);
                }
            }
            if (change.FromOtherInstance) return;
            var group = change.IsAccountChange || change.Action.StartsWith("auth.", StringComparison.Ordinal) ? ChangesHub.AdminsGroup : ChangesHub.StaffGroup;
            await hub.Clients.Group(group).SendAsync(ChangesHub.ChangeMessage, change);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
