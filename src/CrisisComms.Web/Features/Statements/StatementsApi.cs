using System.Security.Claims;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Statements;

public sealed record TemplateDto(string Id, string Kind, string Audience, string Title, string Description, string Channel, IReadOnlyList<string> Facts);

public sealed record RevisionDto(Guid Id, int Number, string Title, string TitleSource, string Body, string Html, string Hash, string AuthorId, string Author, DateTimeOffset CreatedAt, string Note);

public sealed record ApprovalDto(Guid RevisionId, string Hash, string Role, string UserId, string Decision, string? Comment, DateTimeOffset At, bool Voided);

public sealed record PublicationDto(Guid RevisionId, string Hash, DateTimeOffset PublishedAt, string Trigger);

public sealed record FactDriftDto(string Key, string Label, string Old, string? New);

public sealed record StatementDto(
    Guid Id, Guid IncidentId, string Kind, string Audience, string State, Guid CurrentRevisionId, string? Template,
    IReadOnlyList<RevisionDto> Revisions, IReadOnlyList<ApprovalDto> Approvals, DateTimeOffset? ScheduledFor,
    IReadOnlyList<PublicationDto> Publications, IReadOnlyList<FactDriftDto> FactsChanged,
    Guid? Supersedes, IReadOnlyList<Guid> SupersededBy, DateTimeOffset? DiscardedAt = null);

public sealed record StatementListItemDto(Guid Id, string Kind, string Audience, string State, string Title, int Revision, DateTimeOffset UpdatedAt, bool FactsChanged, bool Discarded = false);

public sealed record NewStatementBody(string? Kind, string? Audience, string? Title, string? Body, string? Template, Guid? Supersedes = null);
public sealed record SaveStatementBody(string? Title, string? Body, Guid? BaseRevisionId);
public sealed record RestoreBody(Guid? RevisionId, Guid? BaseRevisionId);
public sealed record BaseBody(Guid? BaseRevisionId);
public sealed record PreviewBody(string? Kind, string? Title, string? Body);

/// <summary>Staff API for templates and statements (drafting, revisions, diffs).</summary>
public static class StatementsApi
{
    public static void MapStatementsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapStaffApiGroup();

        api.MapGet("/templates", async (ClaimsPrincipal user, TemplateLibrary library, Accounts.StaffAuthorizer authorizer) =>
        {
            await authorizer.RequireAsync(user, IncidentService.Readers);
            return TypedResults.Ok(library.All.Select(t => new TemplateDto(t.Id, KebabCase.Of(t.Kind), KebabCase.Of(t.Audience), t.Title, t.Description, t.Channel, t.Facts)).ToList());
        }).WithTags("Templates").WithSummary("The template library (id = file name under content/templates without .md).");

        var byIncident = api.MapGroup("/incidents/{id}").WithTags("Statements");
        byIncident.MapGet("/statements", async (string id, bool? includeDiscarded, ClaimsPrincipal user, IncidentService incidents, StatementService statements) =>
        {
            var incident = await IncidentsApi.FindAsync(id, user, incidents);
            return TypedResults.Ok((await statements.ListForIncidentAsync(user, incident.Id, includeDiscarded == true))
                .Select(s => new StatementListItemDto(s.Id, KebabCase.Of(s.Kind), KebabCase.Of(s.Audience), KebabCase.Of(s.State), s.Title, s.Revision, s.UpdatedAt, s.FactsChanged, s.Discarded)).ToList());
        }).WithSummary("The incident's statements; discarded ones only with ?includeDiscarded=true.");
        byIncident.MapPost("/statements", async (string id, NewStatementBody body, HttpContext http, ClaimsPrincipal user, IncidentService incidents, StatementService statements) =>
        {
            var incident = await IncidentsApi.FindAsync(id, user, incidents);
            var request = new NewStatement { Kind = body.Kind, Audience = body.Audience, Title = body.Title, Body = body.Body, Template = body.Template, Supersedes = body.Supersedes };
            var key = IdempotencyKeys.Read(http.Request.Headers[IdempotencyKeys.Header].FirstOrDefault());
            var (view, replayed) = key is null ? (await statements.CreateAsync(user, incident.Id, request), false) : await statements.CreateAsync(user, incident.Id, request, key);
            // A replay answers exactly as the first request did (same status and body: the first revision, even if
            // the statement was edited since), marked so a client can tell.
            if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created($"{StaffApi.Prefix}/statements/{view.Statement.Id}", new { id = view.Statement.Id, revisionId = view.Revisions[^1].Id });
        }).WithSummary("Start a statement: {kind, audience, title, body?, template?, supersedes?}; a template fills the first revision from the facts; supersedes names the published statement this one corrects. " +
                       "With an Idempotency-Key header, a repeat of the same request by the same user within 24 h returns the statement the first one created (201, same body, Idempotent-Replayed: true) instead of a second one; the same key with a different request is 409.");
        byIncident.MapPost("/preview", async (string id, PreviewBody body, ClaimsPrincipal user, IncidentService incidents, StatementService statements) =>
        {
            var incident = await IncidentsApi.FindAsync(id, user, incidents);
            var kind = KebabCase.TryParse<StatementKind>(body.Kind, out var k) ? k : StatementKind.HoldingStatement;
            var (outcome, counts) = await statements.PreviewAsync(user, await statements.ModelAsync(user, incident.Id), kind, body.Title ?? "", body.Body ?? "");
            return TypedResults.Ok(new
            {
                ok = outcome.Ok,
                title = outcome.Result?.Title,
                html = outcome.Result?.Html,
                markdown = outcome.Result?.Markdown,
                hash = outcome.Result?.ContentHash,
                problems = outcome.Problems.Select(p => new { field = p.Field, line = p.Line, message = p.Message }),
                counts,
            });
        }).WithSummary("Render a draft exactly as saving would, without saving.");

        var statementsGroup = api.MapGroup("/statements/{id:guid}").WithTags("Statements");
        statementsGroup.MapGet("", async (Guid id, ClaimsPrincipal user, StatementService statements) => TypedResults.Ok(ToDto(await statements.GetAsync(user, id))))
            .WithSummary("A statement with every revision (newest first), approvals, schedule, publications, the statement it corrects (supersedes) and those correcting it (supersededBy).");
        statementsGroup.MapPost("/correction", async (Guid id, ClaimsPrincipal user, StatementService statements) =>
        {
            var view = await statements.CreateCorrectionAsync(user, id);
            return TypedResults.Created($"{StaffApi.Prefix}/statements/{view.Statement.Id}", new { id = view.Statement.Id, revisionId = view.Current.Id });
        }).WithSummary("Start a correction of a published statement: a draft with the same kind, audience and text, titled \"Correction: …\", superseding it.");
        statementsGroup.MapPut("", async (Guid id, SaveStatementBody body, ClaimsPrincipal user, StatementService statements) =>
        {
            var revision = await statements.SaveAsync(user, id, body.Title, body.Body, body.BaseRevisionId);
            return TypedResults.Ok(new { revisionId = revision.Id, number = revision.Number, hash = revision.ContentHash });
        }).WithSummary("Save an edit as a new revision: {title, body, baseRevisionId}; 409 with the other person's change when the base is stale.");
        statementsGroup.MapPost("/restore", async (Guid id, RestoreBody body, ClaimsPrincipal user, StatementService statements) =>
        {
            if (body.RevisionId is null) throw new AppValidationException("revisionId", "Say which revision to restore (revisionId).");
            var revision = await statements.RestoreAsync(user, id, body.RevisionId.Value, body.BaseRevisionId);
            return TypedResults.Ok(new { revisionId = revision.Id, number = revision.Number });
        }).WithSummary("Restore an old revision's text as a new revision: {revisionId, baseRevisionId}.");
        statementsGroup.MapPost("/rerender", async (Guid id, BaseBody body, ClaimsPrincipal user, StatementService statements) =>
        {
            var revision = await statements.RerenderAsync(user, id, body.BaseRevisionId);
            return TypedResults.Ok(new { revisionId = revision.Id, number = revision.Number });
        }).WithSummary("Render the current text again with the incident's current facts: {baseRevisionId}.");
        statementsGroup.MapGet("/diff", async (Guid id, Guid from, Guid to, ClaimsPrincipal user, StatementService statements) =>
        {
            var view = await statements.GetAsync(user, id);
            var a = view.Revisions.FirstOrDefault(r => r.Id == from) ?? throw new NotFoundException($"Statement {id} has no revision {from}.");
            var b = view.Revisions.FirstOrDefault(r => r.Id == to) ?? throw new NotFoundException($"Statement {id} has no revision {to}.");
            return TypedResults.Ok(new
            {
                from = a.Number,
                to = b.Number,
                segments = StatementService.Diff(a, b).Select(s => new { kind = KebabCase.Of(s.Kind), text = s.Text }),
            });
        }).WithSummary("Word-level differences between two revisions (?from=&to= revision ids).");
    }

    public static StatementDto ToDto(StatementView view) => new(
        view.Statement.Id, view.Statement.IncidentId, KebabCase.Of(view.Statement.Kind), KebabCase.Of(view.Statement.Audience),
        KebabCase.Of(view.Statement.State), view.Current.Id, view.Statement.TemplateId,
        view.Revisions.Select(r => new RevisionDto(r.Id, r.Number, r.Title, r.TitleSource, r.Body, r.Html, r.ContentHash, r.AuthorId, r.AuthorName, r.CreatedAt, r.Note)).ToList(),
        view.Approvals.Select(a => new ApprovalDto(a.RevisionId, a.ContentHash, a.Role, a.UserId, KebabCase.Of(a.Decision), a.Comment, a.At, a.VoidedAt is not null)).ToList(),
        view.Statement.ScheduledFor,
        view.Publications.Select(p => new PublicationDto(p.RevisionId, p.ContentHash, p.PublishedAt, KebabCase.Of(p.Trigger))).ToList(),
        view.FactDrift.Select(d => new FactDriftDto(d.Key, d.Label, d.Old, d.New)).ToList(),
        view.Statement.SupersedesStatementId,
        view.CorrectedBy.Select(c => c.Id).ToList(),
        view.Statement.DiscardedAt);
}
