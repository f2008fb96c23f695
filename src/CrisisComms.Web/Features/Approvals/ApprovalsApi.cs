using System.Security.Claims;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Approvals;

/// <summary><paramref name="AcknowledgeFactChanges"/>: the approver has seen that facts the revision used changed since it was rendered.</summary>
public sealed record DecisionBody(Guid? RevisionId, string? Decision, string? Comment, string? Role, bool? AcknowledgeFactChanges = null);
public sealed record DiscardBody(string? Reason);
public sealed record WithdrawBody(string? Reason);
public sealed record CommentBody(string? Body);
public sealed record PolicyBody(List<string>? Roles);
public sealed record CommentDto(Guid Id, Guid RevisionId, int RevisionNumber, string Author, string Body, string Html, DateTimeOffset At);
public sealed record WaitingDto(Guid StatementId, Guid IncidentId, string Incident, string Kind, string Title, int Revision, IReadOnlyList<string> RolesYouCanSign, DateTimeOffset Since);
public sealed record SignOffDto(string State, IReadOnlyList<string> RequiredRoles, IReadOnlyDictionary<string, string> SignedBy, IReadOnlyList<string> Missing);

/// <summary>Staff API for sign-off: submit, decide, withdraw, comments, waiting-for-me, policies.</summary>
public static class ApprovalsApi
{
    public static void MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapStaffApiGroup().WithTags("Sign-off");
        var statement = api.MapGroup("/statements/{id:guid}");

        statement.MapPost("/submit", async (Guid id, ClaimsPrincipal user, ApprovalService approvals) =>
        {
            await approvals.SubmitAsync(user, id);
            return TypedResults.NoContent();
        }).WithSummary("Draft → in review (Author).");

        statement.MapPost("/decisions", async (Guid id, DecisionBody body, ClaimsPrincipal user, ApprovalService approvals) =>
        {
            if (body.RevisionId is null) throw new AppValidationException("revisionId", "Say which revision you reviewed (revisionId).");
            var decision = body.Decision?.Trim().ToLowerInvariant() switch
            {
                "approve" => Decision.Approve,
                "reject" => Decision.Reject,
                _ => throw new AppValidationException("decision", $"decision must be \"approve\" or \"reject\", not \"{body.Decision}\"."),
            };
            var approval = await approvals.DecideAsync(user, id, body.RevisionId.Value, decision, body.Comment, body.Role, body.AcknowledgeFactChanges == true);
            return TypedResults.Ok(new { approval.Id, approval.Role, decision = KebabCase.Of(approval.Decision), approval.ContentHash, approval.At });
        }).WithSummary("Approve or reject the current revision: {revisionId, decision: approve|reject, comment, role?, acknowledgeFactChanges?}; an approval of a revision whose facts changed since it was rendered is 409 (changedFacts) unless acknowledgeFactChanges is true.");

        statement.MapGet("/sign-off", async (Guid id, ClaimsPrincipal user, StatementService statements, ApprovalService approvals) =>
        {
            var view = await statements.GetAsync(user, id);
            var status = await approvals.StatusAsync(view.Statement);
            return TypedResults.Ok(new SignOffDto(KebabCase.Of(view.Statement.State), status.RequiredRoles,
                status.Signed.ToDictionary(kv => kv.Key, kv => kv.Value.UserName), status.Missing));
        }).WithSummary("Required roles, who has signed the current revision, what is missing.");

        statement.MapPost("/withdraw", async (Guid id, WithdrawBody? body, ClaimsPrincipal user, ApprovalService approvals) =>
        {
            await approvals.WithdrawAsync(user, id, body?.Reason);
            return TypedResults.NoContent();
        }).WithSummary("Withdraw an unpublished statement (Author).");

        statement.MapPost("/discard", async (Guid id, DiscardBody? body, ClaimsPrincipal user, ApprovalService approvals) =>
        {
            await approvals.DiscardAsync(user, id, body?.Reason);
            return TypedResults.NoContent();
        }).WithSummary("Discard an unpublished, unscheduled statement (Author): withdrawn and left out of the incident's statement list; revisions kept. {reason?}");

        statement.MapGet("/comments", async (Guid id, ClaimsPrincipal user, ApprovalService approvals) =>
            TypedResults.Ok((await approvals.CommentsAsync(user, id)).Select(ToDto).ToList()));
        statement.MapPost("/comments", async (Guid id, CommentBody body, ClaimsPrincipal user, ApprovalService approvals) =>
            TypedResults.Ok(ToDto(await approvals.AddCommentAsync(user, id, body.Body)))).WithSummary("Add a comment (Markdown).");

        api.MapGet("/approvals/waiting", async (ClaimsPrincipal user, ApprovalService approvals) =>
            TypedResults.Ok((await approvals.WaitingForAsync(user)).Select(w => new WaitingDto(w.StatementId, w.IncidentId, w.IncidentTitle, KebabCase.Of(w.Kind), w.Title, w.Revision, w.RolesYouCanSign, w.Since)).ToList()))
            .WithSummary("Statements waiting for the caller's signature.");

        api.MapGet("/policies", async (ClaimsPrincipal user, ApprovalPolicyService policies) =>
            TypedResults.Ok((await policies.AllAsync(user)).ToDictionary(kv => KebabCase.Of(kv.Key), kv => kv.Value)))
            .WithSummary("Required sign-off roles per statement kind.");
        api.MapPut("/policies/{kind}", async (string kind, PolicyBody body, ClaimsPrincipal user, ApprovalPolicyService policies) =>
        {
            if (!KebabCase.TryParse<StatementKind>(kind, out var k))
                throw new AppValidationException("kind", $"\"{kind}\" is not a kind; use one of {KebabCase.Allowed<StatementKind>()}.");
            await policies.SetAsync(user, k, body.Roles ?? []);
            return TypedResults.NoContent();
        }).WithSummary("Change which roles sign a kind of statement: {roles: [\"Reviewer\", \"Approver\"]} (Admin).");
    }

    private static CommentDto ToDto(StatementComment c) => new(c.Id, c.RevisionId, c.RevisionNumber, c.AuthorName, c.Body, c.Html, c.At);
}
