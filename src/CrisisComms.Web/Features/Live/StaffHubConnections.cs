using System.Collections.Concurrent;
using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// This instance's open /hubs/changes connections, per user, so they follow the account rather than the moment they
/// connected. A change to an account (disabled, role removed, password reset, signed out everywhere) re-reads the
/// user from the database: a session that is no longer valid, or that lost a role, is closed at once (the client may
/// reconnect and is then let in, or not, by its current roles); a granted role joins its group. Every
/// Auth:RevalidationInterval every connection is re-checked too, the safety net for anything the feed did not say.
/// </summary>
public sealed class StaffHubConnections(
    IServiceScopeFactory scopes, IHubContext<ChangesHub> hub, IOptions<IdentityOptions> identity, ILogger<StaffHubConnections> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _connections = new(StringComparer.Ordinal);

    /// <summary>One open connection: who it is for, and the roles it is currently receiving events for.</summary>
    private sealed class Entry(HubCallerContext context, string userId, IReadOnlySet<string> roles)
    {
        public HubCallerContext Context { get; } = context;
        public string UserId { get; } = userId;
        public IReadOnlySet<string> Roles { get; set; } = roles;
    }

    /// <summary>How many connections are open on this instance (tests, diagnostics).</summary>
    public int Count => _connections.Count;

    /// <summary>The groups a connection with these roles belongs to.</summary>
    public static IEnumerable<string> GroupsFor(IReadOnlySet<string> roles)
    {
        if (StaffRoles.All.Any(roles.Contains)) yield return ChangesHub.StaffGroup;
        if (roles.Contains(StaffRoles.Admin)) yield return ChangesHub.AdminsGroup;
    }

    internal void Add(HubCallerContext context, string userId, IReadOnlySet<string> roles) =>
        _connections[context.ConnectionId] = new Entry(context, userId, roles);

    internal void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Re-checks one user's connections now (their account changed).</summary>
    public Task RecheckUserAsync(string userId) =>
        RecheckAsync(_connections.Values.Where(e => e.UserId == userId).ToList());

    /// <summary>Re-checks every connection (the periodic safety net).</summary>
    public Task RecheckAllAsync() => RecheckAsync(_connections.Values.ToList());

    private async Task RecheckAsync(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var refresher = scope.ServiceProvider.GetRequiredService<StaffPrincipalRefresher>();
        // One database check per signed-in session, not per connection: a wall display may hold many.
        foreach (var session in entries.GroupBy(e => (e.UserId, Stamp: e.Context.User?.FindFirstValue(StampClaim))))
        {
            var principal = session.First().Context.User;
            var current = principal is null ? null : await refresher.RefreshAsync(principal);
            var roles = current?.User.Roles.ToHashSet(StringComparer.Ordinal);
            foreach (var entry in session)
            {
                if (roles is null || !entry.Roles.All(roles.Contains) || !StaffRoles.All.Any(roles.Contains))
                {
                    await CloseAsync(entry, current is null ? "session no longer valid" : "role removed");
                    continue;
                }
                foreach (var group in GroupsFor(roles).Except(GroupsFor(entry.Roles)))
                    await hub.Groups.AddToGroupAsync(entry.Context.ConnectionId, group);
                entry.Roles = roles;
            }
        }
    }

    private string StampClaim => identity.Value.ClaimsIdentity.SecurityStampClaimType;

    /// <summary>Leaves the groups first, so not one more event reaches it, then drops the connection.</summary>
    private async Task CloseAsync(Entry entry, string why)
    {
        if (!_connections.TryRemove(entry.Context.ConnectionId, out _)) return;
        foreach (var group in GroupsFor(entry.Roles))
        {
            try { await hub.Groups.RemoveFromGroupAsync(entry.Context.ConnectionId, group); }
            catch (Exception e) when (e is not OperationCanceledException) { logger.LogDebug(e, "Leaving {Group} failed; the connection is closed anyway", group); }
        }
        entry.Context.Abort();
        logger.LogInformation("Closed change-feed connection {ConnectionId} of user {UserId}: {Reason}", entry.Context.ConnectionId, entry.UserId, why);
    }
}

/// <summary>Runs <see cref="StaffHubConnections.RecheckAllAsync"/> every Auth:RevalidationInterval.</summary>
public sealed class StaffHubRevalidation(
    StaffHubConnections connections, IOptions<AuthOptions> auth, TimeProvider time, ILogger<StaffHubRevalidation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(auth.Value.RevalidationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await connections.RecheckAllAsync(); }
                catch (ObjectDisposedException) { return; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Re-checking change-feed connections failed; will retry");
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
