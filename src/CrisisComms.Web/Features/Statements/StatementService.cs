using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Web.Features.Statements;

/// <summary>What an author asks for when starting a statement. With a template, kind/audience/title/body default to the template's.</summary>
public sealed class NewStatement
{
    public string? Kind { get; set; }
    public string? Audience { get; set; }
    public string? Title { get; set; }
    public string? Body { get; set; }
    public string? Template { get; set; }
    /// <summary>The published statement this one corrects, if it is a correction.</summary>
    public Guid? Supersedes { get; set; }
}

/// <summary>A fact the statement's latest revision used whose value has changed since (New is null when the fact was removed).</summary>
public sealed record FactDrift(string Key, string Label, string Old, string? New);

/// <summary>Another statement named from this one (the one it corrects, or one that corrects it), with its current title.</summary>
public sealed record StatementLink(Guid Id, string Title, StatementState State, DateTimeOffset CreatedAt);

/// <summary>
/// A statement with its incident, revisions (newest first) and any facts that changed under it;
/// <paramref name="Corrects"/> is the statement it supersedes, <paramref name="CorrectedBy"/> the corrections of it (oldest first).
/// </summary>
public sealed record StatementView(
    Statement Statement, Incident Incident, StatementRevision Current, IReadOnlyList<StatementRevision> Revisions, IReadOnlyList<FactDrift> FactDrift,
    IReadOnlyList<Approvals.Approval> Approvals, IReadOnlyList<Publishing.Publication> Publications,
    StatementLink? Corrects, IReadOnlyList<StatementLink> CorrectedBy);

/// <summary>A row of an incident's statement list.</summary>
public sealed record StatementSummary(
    Guid Id, StatementKind Kind, Audience Audience, StatementState State, string Title, int Revision, DateTimeOffset UpdatedAt, bool FactsChanged, bool Discarded = false);

/// <summary>
/// Drafting: statements from templates, immutable revisions, restore, re-render on changed facts,
/// and no silent overwrites (every save names the revision it started from).
/// </summary>
public sealed class StatementService(
    AppDbContext db,
    StaffAuthorizer authorizer,
    AuditLog audit,
    TimeProvider time,
    StatementRenderer renderer,
    RenderGate renderGate,
    TemplateLibrary templates,
    IOptions<OrganisationOptions> org)
{
    /// <summary>Audiences outside the organisation: a correction of what they were told must reach them too.</summary>
    public static readonly IReadOnlySet<Audience> OutsideAudiences = new HashSet<Audience> { Audience.Public, Audience.Customers, Audience.Media };

    /// <summary>Added in front of the original's title when a correction is started from it.</summary>
    public const string CorrectionTitlePrefix = "Correction: ";

    /// <summary>What an <see cref="IdempotencyRecord"/> of a statement create is for.</summary>
    public const string CreateOperation = "statements.create";

    public Task<StatementView> CreateAsync(ClaimsPrincipal actor, Guid incidentId, NewStatement request) =>
        CreateCoreAsync(actor, incidentId, request, beforeSave: null);

    /// <summary>
    /// <see cref="CreateAsync(ClaimsPrincipal, Guid, NewStatement)"/> that a retry or a double click cannot repeat: the
    /// first request with <paramref name="idempotencyKey"/> (per user, for <see cref="IdempotencyRecord.Lifetime"/>) creates
    /// the statement and records the key in the same transaction; the same key again returns that statement
    /// (<c>Replayed</c>); the same key with a different request is a conflict. A refused request records nothing.
    /// </summary>
    public async Task<(StatementView View, bool Replayed)> CreateAsync(ClaimsPrincipal actor, Guid incidentId, NewStatement request, string idempotencyKey)
    {
        var user = await authorizer.RequireAsync(actor, IncidentService.Writers);
        var key = IdempotencyKeys.Read(idempotencyKey) ?? throw new AppValidationException(IdempotencyKeys.Header, "An idempotency key is required here.");
        var fingerprint = IdempotencyKeys.Fingerprint(CreateOperation, incidentId, request.Kind, request.Audience, request.Title, request.Body, request.Template, request.Supersedes);
        var expired = time.GetUtcNow() - IdempotencyRecord.Lifetime;
        await db.IdempotencyRecords.Where(r => r.CreatedAt < expired).ExecuteDeleteAsync();
        for (var attempt = 1; ; attempt++)
        {
            var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == user.Id && r.Key == key);
            if (record is not null)
            {
                if (record.Operation != CreateOperation || record.RequestHash != fingerprint)
                    throw new ConflictException(
                        $"The {IdempotencyKeys.Header} \"{key}\" was already used for a different request; nothing was created. Use a new key for a new statement.",
                        new Dictionary<string, object?> { ["idempotencyKey"] = key, ["createdId"] = record.ResourceId });
                return (await GetAsync(actor, record.ResourceId), true);
            }
            try
            {
                var view = await CreateCoreAsync(actor, incidentId, request, statementId => db.IdempotencyRecords.Add(new IdempotencyRecord
                {
                    UserId = user.Id, Key = key, Operation = CreateOperation, RequestHash = fingerprint, ResourceId = statementId, CreatedAt = time.GetUtcNow(),
                }));
                return (view, false);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A request with the same key committed first (the key is the primary key): answer with what it created.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<StatementView> CreateCoreAsync(ClaimsPrincipal actor, Guid incidentId, NewStatement request, Action<Guid>? beforeSave)
    {
        var user = await authorizer.RequireAsync(actor, IncidentService.Writers);
        var incident = await LoadIncidentAsync(incidentId);
        var errors = new Dictionary<string, string[]>();
        var id = Guid.NewGuid();

        StatementTemplate? template = null;
        if (!string.IsNullOrWhiteSpace(request.Template))
        {
            template = templates.Find(request.Template);
            if (template is null)
                errors["template"] = [$"There is no template \"{request.Template}\". Templates: {string.Join(", ", templates.All.Select(t => t.Id))}."];
        }
        StatementKind kind = default;
        Audience audience = default;
        if (request.Kind is null && template is not null) kind = template.Kind;
        else if (!KebabCase.TryParse(request.Kind, out kind))
            errors["kind"] = [request.Kind is null ? $"Kind is required: one of {KebabCase.Allowed<StatementKind>()}." : $"\"{request.Kind}\" is not a kind; use one of {KebabCase.Allowed<StatementKind>()}."];
        if (request.Audience is null && template is not null) audience = template.Audience;
        else if (!KebabCase.TryParse(request.Audience, out audience))
            errors["audience"] = [request.Audience is null ? $"Audience is required: one of {KebabCase.Allowed<Audience>()}." : $"\"{request.Audience}\" is not an audience; use one of {KebabCase.Allowed<Audience>()}."];
        (Statement Statement, StatementRevision Revision)? original = null;
        if (request.Supersedes is { } supersedes)
        {
            var target = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == supersedes);
            var targetRevision = target is null ? null
                : await db.StatementRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == target.CurrentRevisionId);
            if (target is not null && targetRevision is not null) original = (target, targetRevision);
            foreach (var (field, message) in CorrectionProblems(id, supersedes, target, incident.Id, errors.ContainsKey("audience") ? null : audience))
                errors[field] = [message];
        }
        if (errors.Count > 0) throw new AppValidationException(errors);

        var titleSource = request.Title ?? template?.Title ?? "";
        var body = request.Body ?? template?.Body ?? "";
        var now = time.GetUtcNow();
        var statement = new Statement
        {
            Id = id, IncidentId = incident.Id, Kind = kind, Audience = audience, State = StatementState.Draft,
            TemplateId = template?.Id, CreatedAt = now, CreatedById = user.Id, UpdatedAt = now,
            SupersedesStatementId = request.Supersedes,
        };
        var note = original is not null ? "created as a correction" : template is null ? "created" : $"created from template {template.Id}";
        var revision = await NewRevisionAsync(user, statement, 1, titleSource, body, Model(incident), note);
        db.Statements.Add(statement);
        db.StatementRevisions.Add(revision);
        statement.CurrentRevisionId = revision.Id;
        audit.Record(new AuditActor(user.Id, user.Email), "statement.created", "statement", statement.Id.ToString(),
            $"{KebabCase.Describe(kind)} for {KebabCase.Of(audience)} \"{revision.Title}\"{(template is null ? "" : $" from template {template.Id}")}" +
            (original is { } o ? $", correcting statement {o.Statement.Id} \"{o.Revision.Title}\"" : ""));
        beforeSave?.Invoke(statement.Id);
        await db.SaveChangesAsync();
        return await GetAsync(actor, statement.Id);
    }

    /// <summary>
    /// Starts a correction of a published statement: a draft of the same kind and audience with the
    /// original's current text, titled "Correction: …", superseding it. The original never changes.
    /// </summary>
    public async Task<StatementView> CreateCorrectionAsync(ClaimsPrincipal actor, Guid publishedStatementId)
    {
        await authorizer.RequireAsync(actor, IncidentService.Writers);
        var original = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == publishedStatementId)
            ?? throw new NotFoundException($"No statement with id {publishedStatementId}.");
        var current = await db.StatementRevisions.AsNoTracking().FirstAsync(r => r.Id == original.CurrentRevisionId);
        // A title already at the limit keeps its own wording rather than being cut mid-placeholder; the author edits it.
        var title = CorrectionTitlePrefix.Length + current.TitleSource.Length <= StatementRevision.TitleMaxLength
            ? CorrectionTitlePrefix + current.TitleSource
            : current.TitleSource;
        return await CreateAsync(actor, original.IncidentId, new NewStatement
        {
            Kind = KebabCase.Of(original.Kind), Audience = KebabCase.Of(original.Audience),
            Title = title, Body = current.Body, Supersedes = original.Id,
        });
    }

    /// <summary>
    /// Why <paramref name="correctionId"/> may not supersede <paramref name="target"/> (field, message); empty when it may.
    /// <paramref name="audience"/> is the correction's audience, null when it is itself invalid.
    /// </summary>
    internal static IEnumerable<(string Field, string Message)> CorrectionProblems(Guid correctionId, Guid supersedes, Statement? target, Guid incidentId, Audience? audience)
    {
        if (supersedes == correctionId)
        {
            yield return ("supersedes", "A statement cannot correct itself.");
            yield break;
        }
        if (target is null)
        {
            yield return ("supersedes", $"There is no statement {supersedes} to correct.");
            yield break;
        }
        if (target.IncidentId != incidentId)
            yield return ("supersedes", $"Statement {supersedes} belongs to a different incident; a correction must be on the same incident as the statement it corrects.");
        else if (target.State != StatementState.Published)
            yield return ("supersedes", $"Only a published statement can be corrected; this one is {KebabCase.Of(target.State)}.");
        if (audience is { } a && OutsideAudiences.Contains(target.Audience) && !OutsideAudiences.Contains(a))
            yield return ("audience", $"The statement being corrected went to {KebabCase.Of(target.Audience)}; its correction must reach an outside audience too ({string.Join(", ", OutsideAudiences.Select(KebabCase.Of))}), not {KebabCase.Of(a)}.");
    }

    public async Task<StatementView> GetAsync(ClaimsPrincipal actor, Guid id)
    {
        await authorizer.RequireAsync(actor, IncidentService.Readers);
        var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id)
            ?? throw new NotFoundException($"No statement with id {id}.");
        var revisions = await db.StatementRevisions.AsNoTracking().Where(r => r.StatementId == id).OrderByDescending(r => r.Number).ToListAsync();
        var incident = await LoadIncidentAsync(statement.IncidentId);
        var current = revisions.First(r => r.Id == statement.CurrentRevisionId);
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.StatementId == id).OrderByDescending(a => a.At).ToListAsync();
        var publications = await db.Publications.AsNoTracking().Where(p => p.StatementId == id).OrderBy(p => p.PublishedAt).ToListAsync();
        var corrects = statement.SupersedesStatementId is { } originalId ? (await LinksAsync(s => s.Id == originalId)).FirstOrDefault() : null;
        var correctedBy = await LinksAsync(s => s.SupersedesStatementId == id);
        return new StatementView(statement, incident, current, revisions, Drift(current, incident), approvals, publications, corrects, correctedBy);
    }

    /// <summary>Statements matching <paramref name="which"/> with their current titles, oldest first.</summary>
    private async Task<IReadOnlyList<StatementLink>> LinksAsync(System.Linq.Expressions.Expression<Func<Statement, bool>> which)
    {
        var rows = await (from s in db.Statements.AsNoTracking().Where(which)
                          join r in db.StatementRevisions.AsNoTracking() on s.CurrentRevisionId equals r.Id
                          orderby s.CreatedAt
                          select new { s.Id, r.Title, s.State, s.CreatedAt }).ToListAsync();
        return rows.Select(x => new StatementLink(x.Id, x.Title, x.State, x.CreatedAt)).ToList();
    }

    /// <summary>The incident's statements, newest change first; discarded ones only when <paramref name="includeDiscarded"/>.</summary>
    public async Task<IReadOnlyList<StatementSummary>> ListForIncidentAsync(ClaimsPrincipal actor, Guid incidentId, bool includeDiscarded = false)
    {
        await authorizer.RequireAsync(actor, IncidentService.Readers);
        var incident = await LoadIncidentAsync(incidentId);
        var rows = await (from s in db.Statements.AsNoTracking()
                          join r in db.StatementRevisions.AsNoTracking() on s.CurrentRevisionId equals r.Id
                          where s.IncidentId == incidentId && (includeDiscarded || s.DiscardedAt == null)
                          select new { s, r }).ToListAsync();
        return rows.OrderByDescending(x => x.s.UpdatedAt)
            .Select(x => new StatementSummary(x.s.Id, x.s.Kind, x.s.Audience, x.s.State, x.r.Title, x.r.Number, x.s.UpdatedAt, Drift(x.r, incident).Count > 0, x.s.DiscardedAt is not null))
            .ToList();
    }

    /// <summary>The placeholders' values for an incident, for previews.</summary>
    public async Task<LiquidModel> ModelAsync(ClaimsPrincipal actor, Guid incidentId)
    {
        await authorizer.RequireAsync(actor, IncidentService.Readers);
        return Model(await LoadIncidentAsync(incidentId));
    }

    /// <summary>
    /// Exactly what saving would produce, without saving: the editor's preview and the staff API's. Counts against the
    /// caller's preview allowance (429) and takes its turn at the render gate (503 when none comes); a text over a
    /// budget is refused (400/413) naming the field and the limit, as saving would.
    /// </summary>
    public async Task<(RenderOutcome Outcome, ChannelReport? Counts)> PreviewAsync(ClaimsPrincipal actor, LiquidModel model, StatementKind kind, string title, string body)
    {
        var user = await authorizer.RequireAsync(actor, IncidentService.Readers);
        renderGate.TakePreview(user.Id);
        var (outcome, counts) = await renderGate.RunAsync(() => renderer.Preview(model, kind, title, body));
        ThrowIfOverBudget(outcome.Problems);
        return (outcome, counts);
    }

    /// <summary>Budget problems are the request's fault, not the template's: they become a 400/413 naming the field and the limit.</summary>
    internal static void ThrowIfOverBudget(IReadOnlyList<RenderProblem> problems)
    {
        var over = problems.Where(p => p.BudgetStatus is not null).ToList();
        if (over.Count == 0) return;
        throw new AppValidationException(over.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.ToString()).ToArray()))
        {
            Status = over.Any(p => p.BudgetStatus == StatusCodes.Status413PayloadTooLarge) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        };
    }

    /// <summary>Saves an edit as a new revision on top of <paramref name="baseRevisionId"/>; refused with the other person's change if someone saved first.</summary>
    public async Task<StatementRevision> SaveAsync(ClaimsPrincipal actor, Guid id, string? title, string? body, Guid? baseRevisionId) =>
        await AddRevisionAsync(actor, id, baseRevisionId, _ => (title, body, "edited"));

    /// <summary>Makes an old revision's text current again, as a new revision (history is never rewritten).</summary>
    public async Task<StatementRevision> RestoreAsync(ClaimsPrincipal actor, Guid id, Guid revisionId, Guid? baseRevisionId) =>
        await AddRevisionAsync(actor, id, baseRevisionId, revisions =>
        {
            var old = revisions.FirstOrDefault(r => r.Id == revisionId)
                ?? throw new NotFoundException($"Statement {id} has no revision {revisionId}.");
            return (old.TitleSource, old.Body, $"restored from revision {old.Number}");
        });

    /// <summary>Renders the current text again with the incident's current facts, as a new revision.</summary>
    public async Task<StatementRevision> RerenderAsync(ClaimsPrincipal actor, Guid id, Guid? baseRevisionId) =>
        await AddRevisionAsync(actor, id, baseRevisionId, revisions =>
        {
            var current = revisions[0];
            return (current.TitleSource, current.Body, "re-rendered with the current facts");
        });

    /// <summary>Word-level changes from one revision to another (title first, then the text as published).</summary>
    public static IReadOnlyList<DiffSegment> Diff(StatementRevision from, StatementRevision to) =>
        RevisionDiff.Words("# " + from.Title + "\n\n" + from.RenderedMarkdown, "# " + to.Title + "\n\n" + to.RenderedMarkdown);

    private async Task<StatementRevision> AddRevisionAsync(ClaimsPrincipal actor, Guid id, Guid? baseRevisionId,
        Func<IReadOnlyList<StatementRevision>, (string? Title, string? Body, string Note)> content)
    {
        // A decision landing at the same moment bumps the statement's version: try again against
        // fresh data (the base check then decides whether this edit still applies).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AddRevisionOnceAsync(actor, id, baseRevisionId, content);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<StatementRevision> AddRevisionOnceAsync(ClaimsPrincipal actor, Guid id, Guid? baseRevisionId,
        Func<IReadOnlyList<StatementRevision>, (string? Title, string? Body, string Note)> content)
    {
        var user = await authorizer.RequireAsync(actor, IncidentService.Writers);
        var statement = await db.Statements.FirstOrDefaultAsync(s => s.Id == id) ?? throw new NotFoundException($"No statement with id {id}.");
        Approvals.StatementWorkflow.EnsureAllowed(statement.State, Approvals.StatementAction.Edit);
        if (baseRevisionId is null)
            throw new AppValidationException("baseRevisionId", "Say which revision your edit started from (baseRevisionId), so nobody's work is overwritten.");

        var revisions = await db.StatementRevisions.Where(r => r.StatementId == id).OrderByDescending(r => r.Number).ToListAsync();
        var current = revisions[0];
        if (current.Id != baseRevisionId) throw Stale(revisions, baseRevisionId.Value, current);

        var (title, body, note) = content(revisions);
        var incident = await LoadIncidentAsync(statement.IncidentId);
        var revision = await NewRevisionAsync(user, statement, current.Number + 1, title, body, Model(incident), note);
        if (revision.ContentHash == current.ContentHash && revision.TitleSource == current.TitleSource && revision.Body == current.Body)
            return current; // nothing changed: no empty revision

        db.StatementRevisions.Add(revision);
        var previousState = statement.State;
        statement.CurrentRevisionId = revision.Id;
        statement.Version++;
        statement.UpdatedAt = revision.CreatedAt;
        statement.State = Approvals.StatementWorkflow.Target(Approvals.StatementAction.Edit, statement.State);
        // Approvals were for the old text: void them (kept, marked) and drop any schedule.
        var voided = await db.Approvals.Where(a => a.StatementId == id && a.VoidedAt == null).ToListAsync();
        foreach (var approval in voided) (approval.VoidedAt, approval.VoidedReason) = (revision.CreatedAt, $"superseded by revision {revision.Number}");
        var wasScheduledFor = statement.ScheduledFor;
        statement.ScheduledFor = null;
        audit.Record(new AuditActor(user.Id, user.Email), "statement.revised", "statement", statement.Id.ToString(),
            $"Revision {revision.Number} ({note}){(previousState != statement.State ? $"; back to {KebabCase.Of(statement.State)} from {KebabCase.Of(previousState)}" : "")}" +
            (voided.Count > 0 ? $"; {voided.Count} approval(s) voided" : "") + (wasScheduledFor is null ? "" : "; schedule cancelled"));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // Someone saved from the same base at the same moment; the unique (statement, number) index chose them.
            db.ChangeTracker.Clear();
            var fresh = await db.StatementRevisions.AsNoTracking().Where(r => r.StatementId == id).OrderByDescending(r => r.Number).ToListAsync();
            throw Stale(fresh, baseRevisionId.Value, fresh[0]);
        }
        return revision;
    }

    private async Task<StatementRevision> NewRevisionAsync(StaffUser user, Statement statement, int number, string? titleSource, string? body, LiquidModel model, string note)
    {
        var errors = new Dictionary<string, string[]>();
        titleSource = (titleSource ?? "").Trim();
        body ??= "";
        // The renderer's size budgets first (413), so nothing larger is scanned; then what is wrong with the text (400).
        ThrowIfOverBudget(StatementRenderer.SizeProblems(titleSource, body).ToList());
        if (titleSource.Length == 0) errors["title"] = ["Title is required."];
        else UserText.Check(errors, "title", "Title", titleSource, multiLine: false);
        UserText.Check(errors, "body", "The text", body, multiLine: true);
        if (errors.Count > 0) throw new AppValidationException(errors);

        var outcome = await renderGate.RunAsync(() => renderer.Render(titleSource, body, model));
        ThrowIfOverBudget(outcome.Problems);
        if (!outcome.Ok)
            throw new AppValidationException(outcome.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.ToString()).ToArray()));
        var result = outcome.Result!;
        return new StatementRevision
        {
            Id = Guid.NewGuid(), StatementId = statement.Id, Number = number,
            TitleSource = titleSource, Body = body, Title = result.Title, RenderedMarkdown = result.Markdown, Html = result.Html,
            ContentHash = result.ContentHash, FactSnapshot = JsonSerializer.Serialize(result.FactsUsed),
            AuthorId = user.Id, AuthorName = user.Email, CreatedAt = time.GetUtcNow(), Note = note,
        };
    }

    private static ConflictException Stale(IReadOnlyList<StatementRevision> revisions, Guid baseId, StatementRevision current)
    {
        var baseRevision = revisions.FirstOrDefault(r => r.Id == baseId);
        var diff = baseRevision is null ? [] : Diff(baseRevision, current);
        return new ConflictException(
            baseRevision is null
                ? $"Revision {baseId} is not a revision of this statement; the current one is {current.Number} by {current.AuthorName}."
                : $"Someone else saved revision {current.Number} ({current.AuthorName}, {current.Note}) after revision {baseRevision.Number}, which your edit started from. Nothing of yours was saved; compare their change, then save again on top of revision {current.Number}.",
            new Dictionary<string, object?>
            {
                ["currentRevisionId"] = current.Id,
                ["currentRevisionNumber"] = current.Number,
                ["currentAuthor"] = current.AuthorName,
                ["diff"] = diff.Select(d => new { kind = KebabCase.Of(d.Kind), text = d.Text }).ToList(),
            });
    }

    private IReadOnlyList<FactDrift> Drift(StatementRevision revision, Incident incident) => DriftOf(revision, incident, org.Value);

    /// <summary>The facts <paramref name="revision"/> was rendered with whose values differ from the incident's now (old → new, as readers see them).</summary>
    internal static IReadOnlyList<FactDrift> DriftOf(StatementRevision revision, Incident incident, OrganisationOptions options)
    {
        var used = JsonSerializer.Deserialize<Dictionary<string, string>>(revision.FactSnapshot) ?? [];
        var culture = System.Globalization.CultureInfo.GetCultureInfo(options.Culture);
        var drift = new List<FactDrift>();
        foreach (var (key, oldValue) in used.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var fact = incident.Facts.FirstOrDefault(f => f.Key == key);
            if (fact is null) drift.Add(new FactDrift(key, key, oldValue, null));
            else if (fact.Value != oldValue)
                drift.Add(new FactDrift(key, fact.Label,
                    FactValues.Display(fact.Type, oldValue, culture, options.TimeZoneInfo), FactValues.Display(fact.Type, fact.Value, culture, options.TimeZoneInfo)));
        }
        return drift;
    }

    /// <summary>"Customers affected: 6,000,000 → 6,500,000; Hotline: removed" for messages and the audit trail.</summary>
    public static string DescribeDrift(IEnumerable<FactDrift> drift) =>
        string.Join("; ", drift.Select(d => $"{d.Label} ({d.Key}): {d.Old} → {d.New ?? "removed"}"));

    private LiquidModel Model(Incident incident) => LiquidModel.For(incident, incident.Facts, org.Value);

    private async Task<Incident> LoadIncidentAsync(Guid id) =>
        await db.Incidents.AsNoTracking().Include(i => i.Facts).FirstOrDefaultAsync(i => i.Id == id)
        ?? throw new NotFoundException($"No incident with id {id}.");
}
