using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>Where sign-off stands on the current revision: which roles are required, who signed, what is missing.</summary>
public sealed record SignOffStatus(
    IReadOnlyList<string> RequiredRoles, IReadOnlyDictionary<string, Approval> Signed, IReadOnlyList<string> Missing)
{
    public bool Complete => Missing.Count == 0;
}

/// <summary>A statement waiting for the user's signature.</summary>
public sealed record WaitingItem(Guid StatementId, Guid IncidentId, string IncidentTitle, StatementKind Kind, string Title, int Revision, IReadOnlyList<string> RolesYouCanSign, DateTimeOffset Since);

/// <summary>
/// Sign-off: submit, approve, reject, withdraw, comments, "waiting for me". Separation of duties is
/// enforced here, at the moment of the decision, against the database: the author of a revision
/// cannot approve it, one person fills at most one required role per revision, Admin alone grants
/// nothing, and an approval is bound to the exact content hash of the current revision.
/// </summary>
public sealed class ApprovalService(
    AppDbContext db,
    StaffAuthorizer authorizer,
    ApprovalPolicyService policies,
    AuditLog audit,
    TimeProvider time,
    StatementRenderer renderer,
    RenderGate renderGate,
    Microsoft.Extensions.Options.IOptions<CrisisComms.Web.Infrastructure.Options.OrganisationOptions> org)
{
    private const int MaxAttempts = 5;

    public async Task SubmitAsync(ClaimsPrincipal actor, Guid statementId) =>
        await WithRetryAsync(async () =>
        {
            var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
            var statement = await LoadAsync(statementId);
            StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Submit);
            var revision = await db.StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == statement.CurrentRevisionId);
            Move(statement, StatementState.InReview);
            var required = await policies.RequiredRolesAsync(statement.Kind);
            audit.Record(new AuditActor(user.Id, user.Email), "statement.submitted", "statement", statement.Id.ToString(),
                $"Revision {revision.Number} ({revision.ContentHash[..12]}) submitted for sign-off by {string.Join(" + ", required)}; draft → in-review");
            await db.SaveChangesAsync();
        });

    /// <summary>
    /// Approve or reject the current revision. <paramref name="revisionId"/> must be the one the person actually read.
    /// When facts the revision used have changed since it was rendered, an approval is refused (409, naming them) unless
    /// <paramref name="acknowledgeFactChanges"/> says the approver saw the changes; the acknowledgement is audited.
    /// </summary>
    public async Task<Approval> DecideAsync(ClaimsPrincipal actor, Guid statementId, Guid revisionId, Decision decision, string? comment, string? asRole = null,
        bool acknowledgeFactChanges = false) =>
        await WithRetryAsync(async () =>
        {
            var user = await authorizer.RequireAsync(actor, ApprovalPolicyService.SigningRoles);
            var statement = await LoadAsync(statementId);
            StatementWorkflow.EnsureAllowed(statement.State, decision == Decision.Approve ? StatementAction.Approve : StatementAction.Reject);
            var revision = await db.StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == statement.CurrentRevisionId);
            if (revisionId != revision.Id)
            {
                var stale = await db.StatementRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == revisionId && r.StatementId == statementId);
                throw new ConflictException(stale is null
                    ? $"Revision {revisionId} is not a revision of this statement."
                    : $"You reviewed revision {stale.Number}, but revision {revision.Number} is current. Review the current text before deciding.");
            }
            if (revision.AuthorId == user.Id)
                throw new AccessDeniedException($"You wrote revision {revision.Number}; someone else must review and approve it.");

            comment = comment?.Trim();
            if (decision == Decision.Reject && string.IsNullOrEmpty(comment))
                throw new AppValidationException("comment", "Say why you reject it, so the author knows what to change.");
            if (comment is { Length: > Approval.CommentMaxLength })
                throw new AppValidationException("comment", $"The comment must be at most {Approval.CommentMaxLength} characters.");
            if (UserText.Problem("The comment", comment, multiLine: true) is { } commentProblem) throw new AppValidationException("comment", commentProblem);

            var required = await policies.RequiredRolesAsync(statement.Kind);
            var active = await db.Approvals.Where(a => a.StatementId == statementId && a.RevisionId == revision.Id && a.VoidedAt == null).ToListAsync();
            if (active.FirstOrDefault(a => a.UserId == user.Id) is { } mine)
                throw new ConflictException($"You already signed revision {revision.Number} as {mine.Role}; one person fills at most one required role.");

            var open = required.Where(r => user.IsIn(r) && active.All(a => a.Role != r)).ToList();
            string role;
            if (asRole is not null)
            {
                role = StaffRoles.Normalise(asRole) ?? throw new AppValidationException("role", $"\"{asRole}\" is not a role.");
                if (!required.Contains(role)) throw new AppValidationException("role", $"{KebabCase.Describe(statement.Kind)} needs {string.Join(" + ", required)}, not {role}.");
                if (!user.IsIn(role)) throw new AccessDeniedException($"You do not hold the {role} role.");
                if (!open.Contains(role)) throw new ConflictException($"The {role} has already signed revision {revision.Number}.");
            }
            else if (open.Count > 0) role = open[0];
            else if (required.Any(user.IsIn)) throw new ConflictException($"Every role you hold ({string.Join(", ", required.Where(user.IsIn))}) has already signed revision {revision.Number}.");
            else throw new AccessDeniedException($"{KebabCase.Describe(statement.Kind)} is signed by {string.Join(" + ", required)}; you are {string.Join(", ", user.Roles)}.");

            // Checked last, so someone who may not sign at all hears that rather than about the facts.
            IReadOnlyList<FactDrift> drift = [];
            if (decision == Decision.Approve)
            {
                var incident = await db.Incidents.AsNoTracking().Include(i => i.Facts).SingleAsync(i => i.Id == statement.IncidentId);
                drift = StatementService.DriftOf(revision, incident, org.Value);
                if (drift.Count > 0 && !acknowledgeFactChanges)
                    throw new ConflictException(
                        $"Facts used by revision {revision.Number} have changed since it was rendered: {StatementService.DescribeDrift(drift)}. " +
                        "Re-render it with the current facts, or approve the text as it is by acknowledging the changes (acknowledgeFactChanges: true).",
                        new Dictionary<string, object?>
                        {
                            ["changedFacts"] = drift.Select(d => new Dictionary<string, string?> { ["key"] = d.Key, ["label"] = d.Label, ["old"] = d.Old, ["new"] = d.New }).ToList(),
                        });
            }

            var now = time.GetUtcNow();
            var approval = new Approval
            {
                Id = Guid.NewGuid(), StatementId = statementId, RevisionId = revision.Id, ContentHash = revision.ContentHash,
                Role = role, UserId = user.Id, UserName = user.Email, Decision = decision, Comment = comment, At = now,
            };
            db.Approvals.Add(approval);

            string summary;
            if (decision == Decision.Reject)
            {
                foreach (var other in active) (other.VoidedAt, other.VoidedReason) = (now, $"revision {revision.Number} rejected by {user.Email}");
                approval.VoidedAt = now;
                approval.VoidedReason = "rejection";
                Move(statement, StatementState.Draft);
                summary = $"Rejected revision {revision.Number} as {role}: {comment}; in-review → draft";
            }
            else
            {
                var signedRoles = active.Select(a => a.Role).Append(role).ToHashSet();
                var complete = required.All(signedRoles.Contains);
                if (complete) Move(statement, StatementState.Approved);
                else Touch(statement);
                summary = $"Approved revision {revision.Number} ({revision.ContentHash[..12]}) as {role}" +
                          (complete ? "; every required role has signed: in-review → approved" : $"; still needed: {string.Join(", ", required.Where(r => !signedRoles.Contains(r)))}") +
                          (drift.Count > 0 ? $"; acknowledged changed facts: {StatementService.DescribeDrift(drift)}" : "");
            }
            audit.Record(new AuditActor(user.Id, user.Email), decision == Decision.Approve ? "statement.approved" : "statement.rejected",
                "statement", statementId.ToString(), summary);
            await db.SaveChangesAsync();
            return approval;
        });

    /// <summary>The longest reason a withdrawal or discard may give (it is kept in the audit record).</summary>
    public const int ReasonMaxLength = 500;

    public async Task WithdrawAsync(ClaimsPrincipal actor, Guid statementId, string? reason) =>
        await WithRetryAsync(async () =>
        {
            if (reason is { Length: > ReasonMaxLength })
                throw new AppValidationException("reason", $"The reason is {reason.Length:N0} characters; the limit is {ReasonMaxLength}.") { Status = StatusCodes.Status413PayloadTooLarge };
            var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
            if (UserText.Problem("The reason", reason, multiLine: true) is { } problem) throw new AppValidationException("reason", problem);
            var statement = await LoadAsync(statementId);
            StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Withdraw);
            var from = statement.State;
            statement.ScheduledFor = null;
            Move(statement, StatementState.Withdrawn);
            audit.Record(new AuditActor(user.Id, user.Email), "statement.withdrawn", "statement", statementId.ToString(),
                $"{KebabCase.Of(from)} → withdrawn{(string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason.Trim())}");
            await db.SaveChangesAsync();
        });

    /// <summary>
    /// Throws away an unpublished statement nobody wants any more: it becomes Withdrawn and leaves the incident's default
    /// statement list. Nothing is deleted; the audit entry lists every revision (number, hash, author) it had.
    /// </summary>
    public async Task DiscardAsync(ClaimsPrincipal actor, Guid statementId, string? reason) =>
        await WithRetryAsync(async () =>
        {
            var user = await authorizer.RequireAsync(actor, StaffRoles.Author);
            var statement = await LoadAsync(statementId);
            StatementWorkflow.EnsureAllowed(statement.State, StatementAction.Discard);
            reason = reason?.Trim();
            if (reason is { Length: > ReasonMaxLength })
                throw new AppValidationException("reason", $"The reason is {reason.Length:N0} characters; the limit is {ReasonMaxLength}.") { Status = StatusCodes.Status413PayloadTooLarge };
            var revisions = await db.StatementRevisions.AsNoTracking().Where(r => r.StatementId == statementId).OrderBy(r => r.Number)
                .Select(r => new { r.Id, r.Number, r.ContentHash, r.AuthorName, r.Title }).ToListAsync();
            var current = revisions.Single(r => r.Id == statement.CurrentRevisionId);
            var from = statement.State;
            statement.DiscardedAt = time.GetUtcNow();
            Move(statement, StatementWorkflow.Target(StatementAction.Discard, from));
            const int listed = 40;
            var kept = string.Join(", ", revisions.Take(listed).Select(r => $"{r.Number} ({r.ContentHash[..12]}, {r.AuthorName})")) +
                       (revisions.Count > listed ? $" and {revisions.Count - listed} more" : "");
            var title = current.Title.Length <= 120 ? current.Title : current.Title[..117] + "...";
            audit.Record(new AuditActor(user.Id, user.Email), "statement.discarded", "statement", statementId.ToString(),
                $"Discarded \"{title}\": {KebabCase.Of(from)} → withdrawn, hidden from the statement list; {revisions.Count} revision(s) kept: {kept}" +
                (string.IsNullOrEmpty(reason) ? "" : $"; reason: {reason}"));
            await db.SaveChangesAsync();
        });

    public async Task<SignOffStatus> StatusAsync(Statement statement)
    {
        var required = await policies.RequiredRolesAsync(statement.Kind);
        var signed = await db.Approvals.AsNoTracking()
            .Where(a => a.StatementId == statement.Id && a.RevisionId == statement.CurrentRevisionId && a.VoidedAt == null && a.Decision == Decision.Approve)
            .ToListAsync();
        var byRole = signed.GroupBy(a => a.Role).ToDictionary(g => g.Key, g => g.First());
        return new SignOffStatus(required, byRole, required.Where(r => !byRole.ContainsKey(r)).ToList());
    }

    public async Task<IReadOnlyList<Approval>> HistoryAsync(ClaimsPrincipal actor, Guid statementId)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await db.Approvals.AsNoTracking().Where(a => a.StatementId == statementId).OrderByDescending(a => a.At).ToListAsync();
    }

    /// <summary>Statements in review where the user holds a required role nobody has filled yet, and may sign.</summary>
    public async Task<IReadOnlyList<WaitingItem>> WaitingForAsync(ClaimsPrincipal actor)
    {
        var user = await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        if (!ApprovalPolicyService.SigningRoles.Any(user.IsIn)) return [];
        var rows = await (from s in db.Statements.AsNoTracking()
                          join r in db.StatementRevisions.AsNoTracking() on s.CurrentRevisionId equals r.Id
                          join i in db.Incidents.AsNoTracking() on s.IncidentId equals i.Id
                          where s.State == StatementState.InReview && r.AuthorId != user.Id
                          select new { s, r, IncidentTitle = i.Title }).ToListAsync();
        if (rows.Count == 0) return [];
        var revisionIds = rows.Select(x => x.r.Id).ToList();
        var approvals = await db.Approvals.AsNoTracking().Where(a => revisionIds.Contains(a.RevisionId) && a.VoidedAt == null).ToListAsync();
        var policy = await policies.AllRequiredRolesAsync(); // the nav badge asks on every navigation: one query, not one per statement
        var waiting = new List<WaitingItem>();
        foreach (var x in rows.OrderBy(x => x.s.UpdatedAt))
        {
            var onRevision = approvals.Where(a => a.RevisionId == x.r.Id).ToList();
            if (onRevision.Any(a => a.UserId == user.Id)) continue;
            var required = policy[x.s.Kind];
            var canSign = required.Where(role => user.IsIn(role) && onRevision.All(a => a.Role != role)).ToList();
            if (canSign.Count > 0)
                waiting.Add(new WaitingItem(x.s.Id, x.s.IncidentId, x.IncidentTitle, x.s.Kind, x.r.Title, x.r.Number, canSign, x.s.UpdatedAt));
        }
        return waiting;
    }

    public async Task<IReadOnlyList<StatementComment>> CommentsAsync(ClaimsPrincipal actor, Guid statementId)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await db.StatementComments.AsNoTracking().Where(c => c.StatementId == statementId).OrderBy(c => c.At).ToListAsync();
    }

    /// <summary>A comment's Markdown within the same budgets as a statement's, at the render gate.</summary>
    private async Task<string> RenderCommentAsync(string body)
    {
        var problems = new List<Statements.RenderProblem>();
        var html = await renderGate.RunAsync(() => renderer.TryMarkdownToSafeHtml("body", body, problems));
        if (html is null) Statements.StatementService.ThrowIfOverBudget(problems);
        return html!;
    }

    public async Task<StatementComment> AddCommentAsync(ClaimsPrincipal actor, Guid statementId, string? markdown)
    {
        var user = await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        var body = markdown?.Trim() ?? "";
        if (body.Length == 0) throw new AppValidationException("body", "Write a comment first.");
        if (body.Length > StatementComment.BodyMaxLength) throw new AppValidationException("body", $"A comment must be at most {StatementComment.BodyMaxLength:N0} characters.");
        if (UserText.Problem("The comment", body, multiLine: true) is { } problem) throw new AppValidationException("body", problem);
        var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statementId) ?? throw new NotFoundException($"No statement with id {statementId}.");
        var revision = await db.StatementRevisions.AsNoTracking().SingleAsync(r => r.Id == statement.CurrentRevisionId);
        var comment = new StatementComment
        {
            Id = Guid.NewGuid(), StatementId = statementId, RevisionId = revision.Id, RevisionNumber = revision.Number,
            AuthorId = user.Id, AuthorName = user.Email, Body = body, Html = await RenderCommentAsync(body), At = time.GetUtcNow(),
        };
        db.StatementComments.Add(comment);
        audit.Record(new AuditActor(user.Id, user.Email), "statement.commented", "statement", statementId.ToString(),
            $"Comment on revision {revision.Number}: {(body.Length > 200 ? body[..197] + "..." : body)}");
        await db.SaveChangesAsync();
        return comment;
    }

    /// <summary>A decision racing an edit or another decision: the statement's version token makes one of them retry against fresh data.</summary>
    private async Task<T> WithRetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                throw new ConflictException("The statement kept changing while you acted on it; reload and try again.");
            }
        }
    }

    private Task WithRetryAsync(Func<Task> action) => WithRetryAsync(async () => { await action(); return 0; });

    private async Task<Statement> LoadAsync(Guid id) =>
        await db.Statements.FirstOrDefaultAsync(s => s.Id == id) ?? throw new NotFoundException($"No statement with id {id}.");

    private void Move(Statement statement, StatementState to)
    {
        statement.State = to;
        Touch(statement);
    }

    private void Touch(Statement statement)
    {
        statement.Version++;
        statement.UpdatedAt = time.GetUtcNow();
    }
}
