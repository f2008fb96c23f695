using System.Security.Claims;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Approvals;

/// <summary>Drives statements through the real services, each call in its own scope (as separate requests would be).</summary>
public sealed class SignOffScenario(AppFactory app)
{
    public Task<ClaimsPrincipal> Author => app.PrincipalForAsync("author@demo.local");
    public Task<ClaimsPrincipal> Reviewer => app.PrincipalForAsync("reviewer@demo.local");
    public Task<ClaimsPrincipal> Approver => app.PrincipalForAsync("approver@demo.local");
    public Task<ClaimsPrincipal> Admin => app.PrincipalForAsync("admin@demo.local");

    public Task<T> Scoped<T>(Func<IServiceProvider, Task<T>> action) => app.WithScopeAsync(action);

    public Task Scoped(Func<IServiceProvider, Task> action) => app.WithScopeAsync(async sp => { await action(sp); return 0; });

    /// <summary>A CEO apology (Reviewer + Approver sign) on the demo incident, in the wanted state.</summary>
    public async Task<Guid> StatementInAsync(StatementState state, string kind = "ceo-apology")
    {
        var author = await Author;
        var id = await Scoped(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Slug == "customer-data-breach");
            return (await sp.GetRequiredService<StatementService>().CreateAsync(author, incident.Id,
                new NewStatement { Kind = kind, Audience = "public", Title = "Statement " + Guid.NewGuid().ToString("n")[..6], Body = "We are sorry, {{ facts.affected_count }} customers." })).Statement.Id;
        });
        switch (state)
        {
            case StatementState.Draft: break;
            case StatementState.InReview: await SubmitAsync(id); break;
            case StatementState.Approved: await ApproveFullyAsync(id); break;
            case StatementState.Withdrawn: await Scoped(sp => sp.GetRequiredService<ApprovalService>().WithdrawAsync(author, id, "test")); break;
            default:
                // Scheduled and Published arrive with the publishing work; put the row there directly.
                await ApproveFullyAsync(id);
                await Scoped(async sp =>
                {
                    var db = sp.GetRequiredService<AppDbContext>();
                    var s = await db.Statements.SingleAsync(x => x.Id == id);
                    s.State = state;
                    s.Version++;
                    await db.SaveChangesAsync();
                });
                break;
        }
        Assert.Equal(state, await StateAsync(id));
        return id;
    }

    public async Task SubmitAsync(Guid id)
    {
        var author = await Author;
        await Scoped(sp => sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id));
    }

    public async Task ApproveFullyAsync(Guid id)
    {
        await SubmitAsync(id);
        var revision = await CurrentRevisionAsync(id);
        var (reviewer, approver) = (await Reviewer, await Approver);
        await Scoped(sp => sp.GetRequiredService<ApprovalService>().DecideAsync(reviewer, id, revision, Decision.Approve, null));
        await Scoped(sp => sp.GetRequiredService<ApprovalService>().DecideAsync(approver, id, revision, Decision.Approve, null));
    }

    public Task<Approval> DecideAsync(ClaimsPrincipal who, Guid id, Guid revision, Decision decision, string? comment = null, string? role = null) =>
        Scoped(sp => sp.GetRequiredService<ApprovalService>().DecideAsync(who, id, revision, decision, comment, role));

    public Task<StatementState> StateAsync(Guid id) =>
        Scoped(sp => sp.GetRequiredService<AppDbContext>().Statements.AsNoTracking().Where(s => s.Id == id).Select(s => s.State).SingleAsync());

    public Task<Guid> CurrentRevisionAsync(Guid id) =>
        Scoped(sp => sp.GetRequiredService<AppDbContext>().Statements.AsNoTracking().Where(s => s.Id == id).Select(s => s.CurrentRevisionId!.Value).SingleAsync());

    public Task<List<Approval>> ApprovalsAsync(Guid id) =>
        Scoped(sp => sp.GetRequiredService<AppDbContext>().Approvals.AsNoTracking().Where(a => a.StatementId == id).ToListAsync());

    public Task<int> AuditCountAsync(Guid id) =>
        Scoped(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.EntityType == "statement" && a.EntityId == id.ToString()));

    public async Task<Guid> EditAsync(Guid id, string body)
    {
        var (author, revision) = (await Author, await CurrentRevisionAsync(id));
        return (await Scoped(sp => sp.GetRequiredService<StatementService>().SaveAsync(author, id, "Edited", body, revision))).Id;
    }
}
