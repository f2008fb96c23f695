using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>A statement and when it should go out, for scheduling several in one go.</summary>
public sealed record SequenceItem(Guid StatementId, TimeSpan Offset);

/// <summary>
/// Scheduling and publishing. The database is the truth: publishing re-checks state, time and the
/// approved hash, and moves Scheduled → Published together with the Publication row and the audit
/// entry in one transaction guarded by the statement's concurrency token, so a trigger that fires
/// twice, early, or after a crash publishes at most once and never before its time.
/// </summary>
public sealed class PublishingService(
    AppDbContext db,
    StaffAuthorizer authorizer,
    ApprovalService approvals,
    AuditLog audit,
    TimeProvider time,
    StaffTime staffTime,
    PublicationEvents events,
    PublishingHealth health,
    IPublishTriggers triggers,
    PublishGate gate,
    ILogger<PublishingService> logger)
{
    /// <summary>A schedule must be at least this far ahead, so it cannot be "now" by the time it is saved.</summary>
    public static readonly TimeSpan MinimumLead = TimeSpan.FromSeconds(2);

    public async Task ScheduleAsync(ClaimsPrincipal actor, Guid statementId, DateTimeOffset at) =>
        await ScheduleSequenceAsync(actor, at, [new SequenceItem(statementId, TimeSpan.Zero)]);

    /// <summary>Schedules several approved statements at offsets from <paramref name="start"/>, all or none.</summary>
    public async Task ScheduleSequenceAsync(ClaimsPrincipal actor, DateTimeOffset start, IReadOnlyList<SequenceItem> items)
    {
        var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
        if (items.Count == 0) throw new AppValidationException("statements", "Name at least one statement to schedule.");
        if (items.Select(i => i.StatementId).Distinct().Count() != items.Count) throw new AppValidationException("statements", "A statement appears twice in the sequence.");
        var now = time.GetUtcNow();
        var scheduled = new List<(Statement Statement, DateTimeOffset At)>();
        foreach (var item in items)
        {
            var at = (start + item.Offset).ToUniversalTime();
            if (at < now + MinimumLead)
                throw new AppValidationException("at", $"{staffTime.Show(at)} is in the past (it is now {staffTime.Show(now)}); choose a later time.");
            var statement = await db.Statements.FirstOrDefaultAsync(s => s.Id == item.StatementId) ?? throw new NotFoundException($"No statement with id {item.StatementId}.");
            var rescheduling = statement.State == StatementState.Scheduled;
            if (!rescheduling) StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Schedule);
            await EnsureApprovedAsync(statement);
            var from = statement.State;
            statement.State = StatementState.Scheduled;
            statement.ScheduledFor = at;
            statement.Version++;
            statement.UpdatedAt = now;
            scheduled.Add((statement, at));
            audit.Record(new AuditActor(user.Id, user.Email), rescheduling ? "statement.rescheduled" : "statement.scheduled", "statement", statement.Id.ToString(),
                $"{(rescheduling ? "Rescheduled" : "Scheduled")} for {staffTime.Show(at)} ({at:yyyy-MM-dd HH:mm:ss} UTC); {KebabCase.Of(from)} → scheduled");
        }
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The statement changed while you scheduled it (an edit or a decision); reload and try again.");
        }
        foreach (var (statement, at) in scheduled) triggers.Arm(statement.Id, statement.CurrentRevisionId!.Value, at);
    }

    public async Task UnscheduleAsync(ClaimsPrincipal actor, Guid statementId)
    {
        var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
        var statement = await db.Statements.FirstOrDefaultAsync(s => s.Id == statementId) ?? throw new NotFoundException($"No statement with id {statementId}.");
        StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Unschedule);
        var was = statement.ScheduledFor;
        statement.State = StatementState.Approved;
        statement.ScheduledFor = null;
        statement.Version++;
        statement.UpdatedAt = time.GetUtcNow();
        audit.Record(new AuditActor(user.Id, user.Email), "statement.unscheduled", "statement", statementId.ToString(),
            $"Schedule for {staffTime.Show(was)} cancelled; scheduled → approved");
        try { await db.SaveChangesAsync(); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("The statement changed at the same moment (perhaps it was just published); reload to see."); }
        triggers.Changed();
    }

    /// <summary>Publishes an approved or scheduled statement now.</summary>
    public async Task<Publication> PublishNowAsync(ClaimsPrincipal actor, Guid statementId)
    {
        var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
        var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statementId) ?? throw new NotFoundException($"No statement with id {statementId}.");
        StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Publish);
        return await PublishAsync(statementId, statement.CurrentRevisionId!.Value, PublishTrigger.Manual, new AuditActor(user.Id, user.Email), dueCheck: false)
               ?? throw new ConflictException("The statement was published or changed at the same moment; reload to see.");
    }

    /// <summary>
    /// What every trigger calls (timer, Hangfire job, sweep). Publishes only if the statement is still
    /// scheduled, for this revision, and due; otherwise does nothing. Safe to call twice at once.
    /// </summary>
    public Task<Publication?> PublishIfDueAsync(Guid statementId, Guid revisionId, PublishTrigger trigger) =>
        PublishAsync(statementId, revisionId, trigger, AuditActor.System, dueCheck: true);

    /// <summary>Publishes every scheduled statement whose time has come; returns what was published.</summary>
    public async Task<IReadOnlyList<Publication>> PublishOverdueAsync(PublishTrigger trigger)
    {
        var now = time.GetUtcNow();
        var due = await db.Statements.AsNoTracking()
            .Where(s => s.State == StatementState.Scheduled && s.ScheduledFor <= now)
            .Select(s => new { s.Id, s.CurrentRevisionId }).ToListAsync();
        var published = new List<Publication>();
        foreach (var s in due)
            if (await PublishIfDueAsync(s.Id, s.CurrentRevisionId!.Value, trigger) is { } p) published.Add(p);
        return published;
    }

    /// <summary>The next scheduled time, for the timer.</summary>
    public async Task<DateTimeOffset?> NextDueAsync() =>
        await db.Statements.AsNoTracking().Where(s => s.State == StatementState.Scheduled && s.ScheduledFor != null)
            .OrderBy(s => s.ScheduledFor).Select(s => s.ScheduledFor).FirstOrDefaultAsync();

    public async Task<IReadOnlyList<Publication>> PublicationsAsync(ClaimsPrincipal actor, Guid statementId)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await db.Publications.AsNoTracking().Where(p => p.StatementId == statementId).OrderBy(p => p.PublishedAt).ToListAsync();
    }

    private async Task<Publication?> PublishAsync(Guid statementId, Guid revisionId, PublishTrigger trigger, AuditActor actor, bool dueCheck)
    {
        // Triggers in this process take turns, so the second one finds the statement already published
        // instead of tripping the unique index (which would still stop it, but logs an alarming error).
        await gate.Lock.WaitAsync();
        try
        {
            if (!db.Database.IsNpgsql()) return await PublishLockedAsync(statementId, revisionId, trigger, actor, dueCheck);
            // Several instances fire at the same moment (each has a timer, a sweep and Hangfire): they take turns on this
            // statement too, so the later ones find it published and step aside quietly instead of losing on the unique
            // index (which still guards it). A session lock on a connection held open for the whole publish.
            await db.Database.OpenConnectionAsync();
            try
            {
                return await AdvisoryLock.HoldAsync(db.Database.GetDbConnection(), StatementLockKey(statementId),
                    () => PublishLockedAsync(statementId, revisionId, trigger, actor, dueCheck));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    /// <summary>The advisory-lock key of one statement's publishing (PostgreSQL).</summary>
    private static long StatementLockKey(Guid statementId) => BitConverter.ToInt64(statementId.ToByteArray(), 0);

    private async Task<Publication?> PublishLockedAsync(Guid statementId, Guid revisionId, PublishTrigger trigger, AuditActor actor, bool dueCheck)
    {
        db.ChangeTracker.Clear();
        var statement = await db.Statements.FirstOrDefaultAsync(s => s.Id == statementId);
        if (statement is null) return null;
        var now = time.GetUtcNow();
        if (dueCheck)
        {
            if (statement.State != StatementState.Scheduled) return null;                 // unscheduled, edited, withdrawn or already out
            if (statement.CurrentRevisionId != revisionId) return null;                    // a newer revision voided this schedule
            if (statement.ScheduledFor is not { } at) return null;
            if (at > now)                                                                   // early (e.g. a dashboard trigger)
            {
                logger.LogInformation("Publish trigger for statement {StatementId} came {Early} early; ignored", statementId, at - now);
                return null;
            }
        }
        else if (!StatementWorkflow.IsAllowed(statement.State, StatementAction.Publish)) return null;

        var revision = await db.StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == statement.CurrentRevisionId);
        try
        {
            await EnsureApprovedAsync(statement);
            if (StatementRenderer.Hash(revision.Title, revision.Html) != revision.ContentHash)
                throw new ConflictException($"Revision {revision.Number}'s stored text no longer matches its hash; it will not be published.");
        }
        catch (ConflictException e)
        {
            logger.LogError("Statement {StatementId} was due but cannot be published: {Reason}", statementId, e.Message);
            health.Failed(statementId, revision.Title, e.Message, now);
            await RecordFailureAsync(statementId, e.Message);
            if (!dueCheck) throw;
            return null;
        }

        var publication = new Publication
        {
            Id = Guid.NewGuid(), StatementId = statement.Id, RevisionId = revision.Id, IncidentId = statement.IncidentId,
            ContentHash = revision.ContentHash, Title = revision.Title, Html = revision.Html,
            PublishedAt = now, ScheduledFor = statement.ScheduledFor, Trigger = trigger,
            LatenessMs = statement.ScheduledFor is { } due ? (long)(now - due).TotalMilliseconds : 0,
            PublishedBy = actor.Name,
        };
        db.Publications.Add(publication);
        var from = statement.State;
        statement.State = StatementState.Published;
        statement.Version++;
        statement.UpdatedAt = now;
        audit.Record(actor, "statement.published", "statement", statement.Id.ToString(),
            $"Revision {revision.Number} ({revision.ContentHash[..12]}) published by {KebabCase.Of(trigger)}" +
            (publication.ScheduledFor is null ? "" : $", {publication.LatenessMs} ms after its time") + $"; {KebabCase.Of(from)} → published");
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another trigger published it (or it changed) in the same instant: the token chose one.
            db.ChangeTracker.Clear();
            return null;
        }
        health.Succeeded(statementId);
        if (publication.LatenessMs > 2000)
            logger.LogWarning("Statement {StatementId} published {Late} late by {Trigger}", statementId, TimeSpan.FromMilliseconds(publication.LatenessMs), trigger);
        await events.RaiseAsync(new StatementPublished(statement.Id, revision.Id, statement.IncidentId, revision.Title, now, trigger));
        triggers.Changed();
        return publication;
    }

    /// <summary>Best effort: when the database itself is failing this cannot be written, and the log and banner have it.</summary>
    public async Task RecordFailureAsync(Guid statementId, string error)
    {
        try
        {
            db.ChangeTracker.Clear();
            audit.Record(AuditActor.System, "statement.publish-failed", "statement", statementId.ToString(), $"Publishing failed and will be retried: {error}");
            await db.SaveChangesAsync();
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogWarning(e, "Could not record the failed publish of {StatementId} in the audit trail", statementId);
            db.ChangeTracker.Clear();
        }
    }

    private async Task EnsureApprovedAsync(Statement statement)
    {
        var revision = await db.StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == statement.CurrentRevisionId);
        var status = await approvals.StatusAsync(statement);
        if (!status.Complete)
            throw new ConflictException($"Revision {revision.Number} still needs {string.Join(" + ", status.Missing)} to sign it.");
        if (status.Signed.Values.Any(a => a.ContentHash != revision.ContentHash))
            throw new ConflictException($"An approval of revision {revision.Number} was given on different text; it needs signing again.");
    }
}

/// <summary>One publish at a time in this process.</summary>
public sealed class PublishGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);
}

/// <summary>Arms the triggers (Hangfire job, in-process timer) after a schedule is saved.</summary>
public interface IPublishTriggers
{
    void Arm(Guid statementId, Guid revisionId, DateTimeOffset at);

    /// <summary>The set of scheduled statements changed: recompute the next due time.</summary>
    void Changed();
}
