using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>Everything that moves a statement between states.</summary>
public enum StatementAction { Edit, Submit, Approve, Reject, Schedule, Unschedule, Publish, Withdraw, Discard }

/// <summary>
/// The statement state machine, in one place: Draft → InReview → Approved → Scheduled → Published;
/// Reject → Draft; an edit of InReview/Approved/Scheduled → Draft; Unschedule → Approved;
/// Withdraw from any unpublished state; Discard (withdraw and hide) from Draft, InReview or Approved — a scheduled
/// statement is unscheduled first, so a discard never silently cancels a promised publication. A published statement never changes.
/// </summary>
public static class StatementWorkflow
{
    private static readonly Dictionary<StatementAction, (StatementState[] From, string Rule)> Rules = new()
    {
        [StatementAction.Edit] = ([StatementState.Draft, StatementState.InReview, StatementState.Approved, StatementState.Scheduled],
            "only unpublished, not withdrawn statements can be edited; a published statement is corrected by a new statement"),
        [StatementAction.Submit] = ([StatementState.Draft], "only a draft can be submitted for sign-off"),
        [StatementAction.Approve] = ([StatementState.InReview], "only a statement in review can be approved; submit it first"),
        [StatementAction.Reject] = ([StatementState.InReview], "only a statement in review can be rejected"),
        [StatementAction.Schedule] = ([StatementState.Approved], "only an approved statement can be scheduled"),
        [StatementAction.Unschedule] = ([StatementState.Scheduled], "only a scheduled statement can be unscheduled"),
        [StatementAction.Publish] = ([StatementState.Approved, StatementState.Scheduled], "only an approved or scheduled statement can be published"),
        [StatementAction.Withdraw] = ([StatementState.Draft, StatementState.InReview, StatementState.Approved, StatementState.Scheduled],
            "a published or already withdrawn statement cannot be withdrawn"),
        [StatementAction.Discard] = ([StatementState.Draft, StatementState.InReview, StatementState.Approved],
            "only an unpublished statement that is not scheduled can be discarded; unschedule a scheduled one first"),
    };

    public static bool IsAllowed(StatementState state, StatementAction action) => Rules[action].From.Contains(state);

    /// <summary>Throws a 409-style conflict naming the state and the rule when the action is not allowed now.</summary>
    public static void EnsureAllowed(StatementState state, StatementAction action)
    {
        if (!IsAllowed(state, action))
            throw new ConflictException($"This statement is {KebabCase.Of(state)}, so it cannot be {Verb(action)}: {Rules[action].Rule}.");
    }

    /// <summary>The state after the action (for approve: the state once every required role has signed).</summary>
    public static StatementState Target(StatementAction action, StatementState from) => action switch
    {
        StatementAction.Edit => StatementState.Draft,
        StatementAction.Submit => StatementState.InReview,
        StatementAction.Approve => StatementState.Approved,
        StatementAction.Reject => StatementState.Draft,
        StatementAction.Schedule => StatementState.Scheduled,
        StatementAction.Unschedule => StatementState.Approved,
        StatementAction.Publish => StatementState.Published,
        StatementAction.Withdraw => StatementState.Withdrawn,
        StatementAction.Discard => StatementState.Withdrawn,
        _ => from,
    };

    private static string Verb(StatementAction action) => action switch
    {
        StatementAction.Edit => "edited",
        StatementAction.Submit => "submitted",
        StatementAction.Approve => "approved",
        StatementAction.Reject => "rejected",
        StatementAction.Schedule => "scheduled",
        StatementAction.Unschedule => "unscheduled",
        StatementAction.Publish => "published",
        StatementAction.Withdraw => "withdrawn",
        StatementAction.Discard => "discarded",
        _ => action.ToString().ToLowerInvariant(),
    };
}
