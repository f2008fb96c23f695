using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Approvals;

/// <summary>Every role × every transition, through the services: allowed ones succeed, the rest are refused and change nothing.</summary>
public sealed class WorkflowTableTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly SignOffScenario _s = new(app);

    public enum Act { Submit, Approve, Reject, Withdraw, Edit, Discard }

    public static TheoryData<StatementState, Act, string> Cases()
    {
        var data = new TheoryData<StatementState, Act, string>();
        foreach (var state in Enum.GetValues<StatementState>())
            foreach (var act in Enum.GetValues<Act>())
                foreach (var role in new[] { "author", "reviewer", "approver", "admin" })
                    data.Add(state, act, role);
        return data;
    }

    private static readonly StatementState[] Unpublished = [StatementState.Draft, StatementState.InReview, StatementState.Approved, StatementState.Scheduled];

    /// <summary>The rules, written out independently of the code under test.</summary>
    private static bool Expected(StatementState state, Act act, string role) => act switch
    {
        Act.Submit => state == StatementState.Draft && role == "author",
        Act.Approve or Act.Reject => state == StatementState.InReview && role is "reviewer" or "approver",
        Act.Withdraw or Act.Edit => Unpublished.Contains(state) && role == "author",
        // Not a scheduled one: it is unscheduled first, so a discard never silently cancels a promised publication.
        Act.Discard => state is StatementState.Draft or StatementState.InReview or StatementState.Approved && role == "author",
        _ => false,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Only_the_allowed_role_in_the_allowed_state_can_act(StatementState state, Act act, string role)
    {
        var id = await _s.StatementInAsync(state);
        var who = await app.PrincipalForAsync($"{role}@demo.local");
        var revision = await _s.CurrentRevisionAsync(id);
        var auditBefore = await _s.AuditCountAsync(id);

        var error = await Record.ExceptionAsync(() => act switch
        {
            Act.Submit => _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().SubmitAsync(who, id)),
            Act.Approve => _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().DecideAsync(who, id, revision, Decision.Approve, null)),
            Act.Reject => _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().DecideAsync(who, id, revision, Decision.Reject, "Needs work")),
            Act.Withdraw => _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().WithdrawAsync(who, id, "no longer needed")),
            Act.Discard => _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().DiscardAsync(who, id, "not needed")),
            _ => _s.Scoped(sp => sp.GetRequiredService<StatementService>().SaveAsync(who, id, "New title", "New body", revision)),
        });

        if (Expected(state, act, role))
        {
            Assert.Null(error);
            Assert.Equal(auditBefore + 1, await _s.AuditCountAsync(id)); // exactly one audit entry for the change
        }
        else
        {
            Assert.NotNull(error);
            Assert.True(error is CrisisComms.Web.Infrastructure.Api.ConflictException or CrisisComms.Web.Infrastructure.Api.AccessDeniedException,
                $"expected a refusal, got {error.GetType().Name}: {error.Message}");
            Assert.Equal(state, await _s.StateAsync(id));
            Assert.Equal(revision, await _s.CurrentRevisionAsync(id));
            Assert.Equal(auditBefore, await _s.AuditCountAsync(id));
        }
    }

    [Fact]
    public async Task A_refusal_names_the_state_and_the_rule()
    {
        var id = await _s.StatementInAsync(StatementState.Draft);
        var revision = await _s.CurrentRevisionAsync(id);
        var reviewer = await _s.Reviewer;
        var error = await Assert.ThrowsAsync<CrisisComms.Web.Infrastructure.Api.ConflictException>(() => _s.DecideAsync(reviewer, id, revision, Decision.Approve));
        Assert.Contains("is draft", error.Message);
        Assert.Contains("submit it first", error.Message);
    }
}
