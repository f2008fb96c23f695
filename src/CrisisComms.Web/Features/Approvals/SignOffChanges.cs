using System.Security.Claims;
using CrisisComms.Web.Features.Live;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>Which changes can alter who must sign what: the filter of every sign-off screen and the nav badge.</summary>
public static class SignOffChanges
{
    private static readonly HashSet<string> StatementActions = new(StringComparer.Ordinal)
    {
        "statement.submitted", "statement.approved", "statement.rejected", "statement.revised",
        "statement.withdrawn", "statement.discarded", "statement.published",
    };

    /// <summary>A step of a statement's sign-off (a new revision voids its approvals; publishing ends it).</summary>
    public static bool IsSignOffStep(ChangeEvent change) => StatementActions.Contains(change.Action);

    /// <summary>
    /// Whether <paramref name="change"/> can change what is waiting for <paramref name="user"/>: a sign-off
    /// step of any statement, a changed approval policy, or a change of the user's own account (roles).
    /// </summary>
    public static bool AffectsWaitingFor(ChangeEvent change, ClaimsPrincipal user) =>
        IsSignOffStep(change)
        || change.Action == "policy.changed"
        || (change.IsAccountChange && change.EntityId == user.FindFirstValue(ClaimTypes.NameIdentifier));
}
