using System.Security.Claims;
using CrisisComms.Web.Components.Layout;
using CrisisComms.Web.Features.Live;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>The count beside "Waiting for me".</summary>
internal sealed class WaitingBadge(ApprovalService approvals) : INavBadge
{
    public string Href => "/dashboard/approvals";

    public async Task<int> CountAsync(ClaimsPrincipal user) => (await approvals.WaitingForAsync(user)).Count;

    public bool IsAffectedBy(ChangeEvent change, ClaimsPrincipal user) => SignOffChanges.AffectsWaitingFor(change, user);
}
