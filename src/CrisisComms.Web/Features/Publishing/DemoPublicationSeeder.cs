using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>
/// Demo data only: the demo incident's holding statement, drafted from its template by the demo
/// author, approved by the demo reviewer and published — through the same services and rules as
/// staff use — so the public status page has something to show on a first run.
/// </summary>
public sealed class DemoPublicationSeeder(
    AppDbContext db,
    UserManager<ApplicationUser> users,
    IUserClaimsPrincipalFactory<ApplicationUser> principals,
    StatementService statements,
    ApprovalService approvals,
    ApprovalPolicyService policies,
    PublishingService publishing,
    IOptions<SeedOptions> seed)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (!seed.Value.DemoData) return;
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Slug == DemoIncidentSeeder.Slug, ct);
        if (incident is null || await db.Statements.AnyAsync(s => s.IncidentId == incident.Id, ct)) return;

        var author = await PrincipalAsync(StaffRoles.Author);
        var draft = await statements.CreateAsync(author, incident.Id, new NewStatement { Template = "holding-statement" });
        await approvals.SubmitAsync(author, draft.Statement.Id);
        foreach (var role in await policies.RequiredRolesAsync(draft.Statement.Kind))
            await approvals.DecideAsync(await PrincipalAsync(role), draft.Statement.Id, draft.Current.Id, Decision.Approve, "Demo: approved as drafted.", role);
        await publishing.PublishNowAsync(author, draft.Statement.Id);
    }

    private async Task<ClaimsPrincipal> PrincipalAsync(string role)
    {
        var email = DemoDataSeeder.Accounts.First(a => a.Role == role).Email;
        return await principals.CreateAsync((await users.FindByEmailAsync(email))!);
    }
}
