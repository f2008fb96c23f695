using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Features.Dashboard;

/// <summary>An unresolved incident as the dashboard lists it.</summary>
public sealed record DashboardIncident(
    Guid Id, string Slug, string Title, IncidentSeverity Severity, IncidentStatus Status, bool IsPublic, DateTimeOffset? NextUpdateDue, bool Overdue);

/// <summary>A scheduled statement: what goes out, when, on which incident.</summary>
public sealed record TimelineItem(
    Guid StatementId, Guid IncidentId, string IncidentTitle, StatementKind Kind, Audience Audience, string Title, int Revision, DateTimeOffset ScheduledFor);

/// <summary>A statement that went out.</summary>
public sealed record PublishedItem(
    Guid StatementId, Guid IncidentId, string IncidentTitle, string Title, DateTimeOffset PublishedAt, PublishTrigger Trigger, long LatenessMs);

/// <summary>One audit entry in plain words: who did what to which thing, when.</summary>
public sealed record ActivityItem(
    long Seq, DateTimeOffset At, string ActorName, string Action, string Verb, string EntityType, string EntityId, string? Target, string Summary, string? Href);

/// <summary>Everything on the dashboard home for one person, each list already in display order.</summary>
/// <param name="Waiting">Null when the user signs nothing (neither Reviewer nor Approver): the section is not shown.</param>
public sealed record DashboardView(
    StaffUser User,
    IReadOnlyList<DashboardIncident> Incidents,
    IReadOnlyList<WaitingItem>? Waiting,
    IReadOnlyList<TimelineItem> Timeline,
    IReadOnlyList<PublishedItem> Published,
    IReadOnlyList<ActivityItem> Activity)
{
    /// <summary>Account and sign-in activity is for admins only (the audit page is restricted; the stream must not leak it).</summary>
    public bool SeesAccountActivity => DashboardService.SeesAccountActivity(User);
}

/// <summary>The dashboard's sections; a change names the ones it affects.</summary>
[Flags]
public enum DashboardSections
{
    None = 0,
    Incidents = 1,
    Waiting = 2,
    Timeline = 4,
    Published = 8,
    Activity = 16,
}

/// <summary>
/// The staff home: unresolved incidents by urgency, what waits for my signature, what goes out
/// next, what went out, and recent activity. Every read checks the caller's roles against the
/// database; each section is a fixed number of queries (no query per row).
/// </summary>
public sealed class DashboardService(AppDbContext db, StaffAuthorizer authorizer, ApprovalService approvals, TimeProvider time)
{
    public const int TimelineSize = 10;
    public const int PublishedSize = 10;
    public const int ActivitySize = 20;
    /// <summary>A bound on the incidents read; far more than a comms team has open at once.</summary>
    public const int IncidentsLimit = 100;

    private static readonly string[] HiddenFromStaffPrefixes = ["account.", "auth."];

    public async Task<DashboardView> LoadAsync(ClaimsPrincipal actor)
    {
        var user = await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return new DashboardView(
            user,
            await QueryIncidentsAsync(),
            await QueryWaitingAsync(actor, user),
            await QueryTimelineAsync(),
            await QueryPublishedAsync(),
            await QueryActivityAsync(user, afterSeq: 0));
    }

    /// <summary>Unresolved incidents, most urgent first: overdue, then soonest due, then most severe.</summary>
    public async Task<IReadOnlyList<DashboardIncident>> IncidentsAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await QueryIncidentsAsync();
    }

    /// <summary>Statements waiting for the user's signature; null when the user signs nothing.</summary>
    public async Task<IReadOnlyList<WaitingItem>?> WaitingAsync(ClaimsPrincipal actor)
    {
        var user = await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await QueryWaitingAsync(actor, user);
    }

    /// <summary>The next <see cref="TimelineSize"/> scheduled statements, soonest first.</summary>
    public async Task<IReadOnlyList<TimelineItem>> TimelineAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await QueryTimelineAsync();
    }

    /// <summary>The last <see cref="PublishedSize"/> publications, newest first.</summary>
    public async Task<IReadOnlyList<PublishedItem>> PublishedAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await QueryPublishedAsync();
    }

    /// <summary>
    /// The latest activity the user may see, newest first; with <paramref name="afterSeq"/>, only
    /// entries after it (what a live page prepends).
    /// </summary>
    public async Task<IReadOnlyList<ActivityItem>> ActivityAsync(ClaimsPrincipal actor, long afterSeq = 0)
    {
        var user = await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await QueryActivityAsync(user, afterSeq);
    }

    public static bool SeesAccountActivity(StaffUser user) => user.IsIn(StaffRoles.Admin);

    /// <summary>Whether an audit action may be shown to someone who does (not) see account activity.</summary>
    public static bool IsVisible(string action, bool seesAccountActivity) =>
        seesAccountActivity || !HiddenFromStaffPrefixes.Any(p => action.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Which sections a change affects for a viewer; <see cref="DashboardSections.None"/> when the viewer must not see it at all.</summary>
    public static DashboardSections Affected(ChangeEvent change, bool seesAccountActivity)
    {
        if (change.IsPresence || !IsVisible(change.Action, seesAccountActivity)) return DashboardSections.None;
        var sections = DashboardSections.Activity;
        switch (change.Action)
        {
            case "incident.created" or "incident.updated":
                sections |= DashboardSections.Incidents;
                break;
            case "statement.submitted" or "statement.approved" or "statement.rejected":
            case "policy.changed":
                sections |= DashboardSections.Waiting;
                break;
            case "statement.revised" or "statement.withdrawn" or "statement.discarded":
                // An edit or a withdrawal takes a statement out of review and cancels its schedule.
                sections |= DashboardSections.Waiting | DashboardSections.Timeline;
                break;
            case "statement.scheduled" or "statement.rescheduled" or "statement.unscheduled" or "statement.publish-failed":
                sections |= DashboardSections.Timeline;
                break;
            case "statement.published":
                sections |= DashboardSections.Timeline | DashboardSections.Published;
                break;
            case var a when a.StartsWith("account.role-", StringComparison.Ordinal):
                sections |= DashboardSections.Waiting;
                break;
        }
        return sections;
    }

    /// <summary>An audit action in plain words, as in "alice@… approved a statement".</summary>
    public static string Describe(string action) => action switch
    {
        "statement.created" => "drafted",
        "statement.revised" => "revised",
        "statement.submitted" => "submitted for sign-off",
        "statement.approved" => "approved",
        "statement.rejected" => "rejected",
        "statement.withdrawn" => "withdrew",
        "statement.discarded" => "discarded",
        "statement.scheduled" => "scheduled",
        "statement.rescheduled" => "rescheduled",
        "statement.unscheduled" => "unscheduled",
        "statement.published" => "published",
        "statement.publish-failed" => "could not publish",
        "statement.commented" => "commented on",
        "incident.created" => "opened",
        "incident.updated" => "updated",
        "fact.added" => "added a fact to",
        "fact.changed" => "changed a fact on",
        "policy.changed" => "changed the sign-off policy for",
        "account.created" => "created the account",
        "account.disabled" => "disabled the account",
        "account.enabled" => "enabled the account",
        "account.role-granted" => "granted a role to",
        "account.role-removed" => "removed a role from",
        "account.two-factor-enabled" => "turned on two-factor sign-in for",
        "account.two-factor-disabled" => "turned off two-factor sign-in for",
        "account.password-reset" => "reset the password of",
        "account.signed-out-everywhere" => "signed out every session of",
        "auth.sign-in" => "signed in",
        "auth.sign-in-failed" => "failed to sign in",
        "auth.sign-in-locked-out" => "was locked out",
        "auth.sign-in-disabled" => "tried to sign in to a disabled account",
        "auth.password-ok-two-factor-pending" => "entered a password, awaiting the second factor",
        _ => action.Replace('.', ' ').Replace('-', ' '),
    };

    private async Task<IReadOnlyList<DashboardIncident>> QueryIncidentsAsync()
    {
        var now = time.GetUtcNow();
        // The times are stored as UTC ticks, so ordering by them works on SQLite too; severity is
        // stored as text, so the final order (which needs it as a rank) is applied in memory.
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.Status != IncidentStatus.Resolved)
            .OrderBy(i => i.NextUpdateDue == null).ThenBy(i => i.NextUpdateDue).ThenByDescending(i => i.UpdatedAt)
            .Take(IncidentsLimit)
            .Select(i => new { i.Id, i.Slug, i.Title, i.Severity, i.Status, i.IsPublic, i.NextUpdateDue })
            .ToListAsync();
        return rows
            .Select(i => new DashboardIncident(i.Id, i.Slug, i.Title, i.Severity, i.Status, i.IsPublic, i.NextUpdateDue, i.NextUpdateDue is { } due && due <= now))
            .OrderByDescending(i => i.Overdue)
            .ThenBy(i => i.NextUpdateDue is null)
            .ThenBy(i => i.NextUpdateDue)
            .ThenByDescending(i => i.Severity)
            .ToList();
    }

    private async Task<IReadOnlyList<WaitingItem>?> QueryWaitingAsync(ClaimsPrincipal actor, StaffUser user) =>
        ApprovalPolicyService.SigningRoles.Any(user.IsIn) ? await approvals.WaitingForAsync(actor) : null;

    private async Task<IReadOnlyList<TimelineItem>> QueryTimelineAsync() =>
        await (from s in db.Statements.AsNoTracking()
               join r in db.StatementRevisions.AsNoTracking() on s.CurrentRevisionId equals r.Id
               join i in db.Incidents.AsNoTracking() on s.IncidentId equals i.Id
               where s.State == StatementState.Scheduled && s.ScheduledFor != null
               orderby s.ScheduledFor
               select new TimelineItem(s.Id, s.IncidentId, i.Title, s.Kind, s.Audience, r.Title, r.Number, s.ScheduledFor!.Value))
            .Take(TimelineSize).ToListAsync();

    private async Task<IReadOnlyList<PublishedItem>> QueryPublishedAsync() =>
        await (from p in db.Publications.AsNoTracking()
               join i in db.Incidents.AsNoTracking() on p.IncidentId equals i.Id
               orderby p.PublishedAt descending
               select new PublishedItem(p.StatementId, p.IncidentId, i.Title, p.Title, p.PublishedAt, p.Trigger, p.LatenessMs))
            .Take(PublishedSize).ToListAsync();

    private async Task<IReadOnlyList<ActivityItem>> QueryActivityAsync(StaffUser user, long afterSeq)
    {
        var query = db.AuditEntries.AsNoTracking().Where(a => a.Seq > afterSeq);
        if (!SeesAccountActivity(user))
            foreach (var prefix in HiddenFromStaffPrefixes)
                query = query.Where(a => !a.Action.StartsWith(prefix));
        var entries = await query.OrderByDescending(a => a.Seq).Take(ActivitySize).ToListAsync();
        if (entries.Count == 0) return [];

        // Names of what the entries are about: one query per kind of thing, not one per entry.
        var statementIds = IdsOf(entries, "statement");
        var incidentIds = IdsOf(entries, "incident");
        var statements = statementIds.Count == 0 ? [] : await (
                from s in db.Statements.AsNoTracking()
                join r in db.StatementRevisions.AsNoTracking() on s.CurrentRevisionId equals r.Id
                where statementIds.Contains(s.Id)
                select new { s.Id, r.Title })
            .ToDictionaryAsync(x => x.Id, x => x.Title);
        var incidents = incidentIds.Count == 0 ? [] : await db.Incidents.AsNoTracking()
            .Where(i => incidentIds.Contains(i.Id)).Select(i => new { i.Id, i.Title })
            .ToDictionaryAsync(x => x.Id, x => x.Title);

        return entries.Select(a =>
        {
            var (target, href) = a.EntityType switch
            {
                "statement" when Guid.TryParse(a.EntityId, out var id) =>
                    (statements.GetValueOrDefault(id), $"/dashboard/statements/{id}"),
                "incident" when Guid.TryParse(a.EntityId, out var id) =>
                    (incidents.GetValueOrDefault(id), $"/dashboard/incidents/{id}"),
                _ => ((string?)null, (string?)null),
            };
            return new ActivityItem(a.Seq, a.At, a.ActorName, a.Action, Describe(a.Action), a.EntityType, a.EntityId, target, a.Summary, href);
        }).ToList();
    }

    private static List<Guid> IdsOf(IEnumerable<Audit.AuditEntry> entries, string entityType) =>
        entries.Where(e => e.EntityType == entityType)
            .Select(e => Guid.TryParse(e.EntityId, out var id) ? id : (Guid?)null)
            .OfType<Guid>().Distinct().ToList();
}
