using System.Security.Claims;
using CrisisComms.Web.Components.Layout;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>The count beside "Waiting for me".</summary>
/// <remarks>The menu lives as long as the circuit, so each count runs in its own scope (<see cref="PerOperation{TService}"/>).</remarks>
internal sealed class WaitingBadge(PerOperation<ApprovalService> approvals) : INavBadge
{
    public string Href => "/dashboard/approvals";

    public async Task<int> CountAsync(ClaimsPrincipal user) => await approvals.RunAsync(async a => (await a.WaitingForAsync(user)).Count);

    public bool IsAffectedBy(ChangeEvent change, ClaimsPrincipal user) => SignOffChanges.AffectsWaitingFor(change, user);
}
