using System.Collections.Concurrent;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Features.Live;

public enum NotificationKind { ApprovalRequested, Approved, Rejected, Published, PublishFailed, Commented }

/// <summary>Something addressed to one person: shown as a toast on their open pages and kept in their list.</summary>
public sealed record StaffNotification(Guid Id, DateTimeOffset At, NotificationKind Kind, string Text, string Href)
{
    public bool IsBad => Kind is NotificationKind.Rejected or NotificationKind.PublishFailed;
}

/// <summary>
/// Works out from the change feed who an event is for: "your approval is requested" to the people who
/// hold a role the statement still needs, "your statement was rejected: reason" and "published" to its
/// author, comments to the author. Keeps each person's last 50 in memory and tells their open pages.
/// </summary>
public sealed class NotificationCenter(IChangeFeed feed, IServiceScopeFactory scopes, ILogger<NotificationCenter> logger) : IHostedService
{
    public const int Kept = 50;

    private readonly ConcurrentDictionary<string, Inbox> _inboxes = new(StringComparer.Ordinal);
    private IDisposable? _subscription;

    /// <summary>(user id, notification) for every notification as it arrives.</summary>
    public event Action<string, StaffNotification>? Arrived;

    /// <summary>(user id) when that person's notifications were marked read, so every open bell of theirs clears.</summary>
    public event Action<string>? MarkedRead;

    public IReadOnlyList<StaffNotification> For(string userId) => _inboxes.TryGetValue(userId, out var inbox) ? inbox.Items : [];

    public int UnreadCount(string userId) => _inboxes.TryGetValue(userId, out var inbox) ? inbox.Unread : 0;

    public void MarkAllRead(string userId)
    {
        if (!_inboxes.TryGetValue(userId, out var inbox) || !inbox.MarkAllRead()) return;
        try { MarkedRead?.Invoke(userId); }
        catch (Exception e) { logger.LogWarning(e, "A notification listener failed"); }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(OnChangeAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task OnChangeAsync(ChangeEvent change)
    {
        if (change.StatementId is not { } statementId || !change.Action.StartsWith("statement.", StringComparison.Ordinal)) return;
        if (change.Action is not ("statement.submitted" or "statement.approved" or "statement.rejected" or "statement.published"
            or "statement.publish-failed" or "statement.commented")) return;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statementId);
        if (statement is null) return;
        var title = await db.StatementRevisions.AsNoTracking().Where(r => r.Id == statement.CurrentRevisionId).Select(r => r.Title).FirstOrDefaultAsync() ?? "a statement";
        var quoted = $"“{title}”";
        var editor = $"/dashboard/statements/{statementId}";
        var review = $"/dashboard/statements/{statementId}/review";
        var actor = change.ActorName.Length > 0 ? change.ActorName : "The system";

        switch (change.Action)
        {
            case "statement.submitted":
                var roles = await scope.ServiceProvider.GetRequiredService<ApprovalPolicyService>().RequiredRolesAsync(statement.Kind);
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                var signers = new HashSet<string>(StringComparer.Ordinal);
                foreach (var role in roles)
                    foreach (var u in await users.GetUsersInRoleAsync(role))
                        if (!u.IsDisabled) signers.Add(u.Id);
                Send(signers, change, NotificationKind.ApprovalRequested, $"Your approval is requested: {quoted} ({KebabCase.Describe(statement.Kind)}), submitted by {actor}.", review);
                break;
            case "statement.rejected":
                var reason = await db.Approvals.AsNoTracking().Where(a => a.StatementId == statementId && a.Decision == Decision.Reject)
                    .OrderByDescending(a => a.At).Select(a => a.Comment).FirstOrDefaultAsync();
                Send([statement.CreatedById], change, NotificationKind.Rejected, $"Your statement {quoted} was rejected by {actor}: {reason}", editor);
                break;
            case "statement.approved":
                var complete = change.Summary.Contains("→ approved", StringComparison.Ordinal);
                Send([statement.CreatedById], change, NotificationKind.Approved,
                    complete ? $"{quoted} is approved by everyone it needs and can be scheduled." : $"{actor} approved {quoted}.", editor);
                break;
            case "statement.published":
                Send([statement.CreatedById], change, NotificationKind.Published, $"Published: {quoted}.", editor);
                break;
            case "statement.publish-failed":
                Send([statement.CreatedById], change, NotificationKind.PublishFailed, $"Publishing {quoted} is failing and being retried.", editor);
                break;
            case "statement.commented":
                var commenters = await db.StatementComments.AsNoTracking().Where(c => c.StatementId == statementId).Select(c => c.AuthorId).Distinct().ToListAsync();
                Send([statement.CreatedById, .. commenters], change, NotificationKind.Commented, $"{actor} commented on {quoted}.", review);
                break;
        }
    }

    private void Send(IEnumerable<string> userIds, ChangeEvent change, NotificationKind kind, string text, string href)
    {
        foreach (var userId in userIds.Where(id => id.Length > 0 && id != change.ActorId).Distinct())
        {
            var notification = new StaffNotification(Guid.NewGuid(), change.At, kind, text, href);
            _inboxes.GetOrAdd(userId, _ => new Inbox()).Add(notification);
            try { Arrived?.Invoke(userId, notification); }
            catch (Exception e) { logger.LogWarning(e, "A notification listener failed"); }
        }
    }

    private sealed class Inbox
    {
        private readonly Lock _gate = new();
        private readonly LinkedList<StaffNotification> _items = new();
        private int _unread;

        public IReadOnlyList<StaffNotification> Items { get { lock (_gate) return [.. _items]; } }
        public int Unread { get { lock (_gate) return _unread; } }

        public void Add(StaffNotification n)
        {
            lock (_gate)
            {
                _items.AddFirst(n);
                if (_items.Count > Kept) _items.RemoveLast();
                _unread = Math.Min(_unread + 1, Kept);
            }
        }

        /// <summary>True when something was unread.</summary>
        public bool MarkAllRead()
        {
            lock (_gate)
            {
                var had = _unread > 0;
                _unread = 0;
                return had;
            }
        }
    }
}
