using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Approvals;

/// <summary>
/// Reviewer and approver sign while the author saves a new revision, all at once, many times: the
/// statement ends either approved on the hash both signed, or not approved — never approved on a
/// hash somebody did not sign. The audit chain stays intact throughout.
/// </summary>
public sealed class SignOffConcurrencyTests(AppFactory app) : SignOffConcurrencyCases(app), IClassFixture<AppFactory>;

/// <summary>The same races on PostgreSQL, where writers really run at once (SQLite takes one writer at a time).</summary>
public sealed class SignOffConcurrencyOnPostgresTests(PostgresAppFactory app) : SignOffConcurrencyCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="SignOffConcurrencyTests"/>, run once per database provider.</summary>
public abstract class SignOffConcurrencyCases(AppFactory app)
{
    private readonly SignOffScenario _s = new(app);

    [Fact]
    public async Task Approvals_racing_an_edit_never_approve_text_nobody_signed()
    {
        var (author, reviewer, approver) = (await _s.Author, await _s.Reviewer, await _s.Approver);
        var outcomes = new List<StatementState>();

        for (var run = 0; run < 25; run++)
        {
            var id = await _s.StatementInAsync(StatementState.InReview);
            var revision = await _s.CurrentRevisionAsync(id);

            async Task Swallow(Func<Task> action)
            {
                try { await action(); }
                catch (Exception e) when (e is CrisisComms.Web.Infrastructure.Api.ConflictException or CrisisComms.Web.Infrastructure.Api.AccessDeniedException) { }
            }
            await Task.WhenAll(
                Task.Run(() => Swallow(() => _s.DecideAsync(reviewer, id, revision, Decision.Approve))),
                Task.Run(() => Swallow(() => _s.DecideAsync(approver, id, revision, Decision.Approve))),
                Task.Run(() => Swallow(() => _s.Scoped(sp => sp.GetRequiredService<StatementService>().SaveAsync(author, id, "Edited", $"Edit {run}", revision)))));

            var (state, current, hash, active) = await _s.Scoped(async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var s = await db.Statements.AsNoTracking().SingleAsync(x => x.Id == id);
                var r = await db.StatementRevisions.AsNoTracking().SingleAsync(x => x.Id == s.CurrentRevisionId);
                var a = await db.Approvals.AsNoTracking().Where(x => x.StatementId == id && x.VoidedAt == null).ToListAsync();
                return (s.State, r.Id, r.ContentHash, a);
            });
            outcomes.Add(state);

            Assert.True(state is StatementState.Approved or StatementState.InReview or StatementState.Draft, $"run {run}: unexpected state {state}");
            // Every approval still standing is on the current text.
            Assert.All(active, a => Assert.Equal((current, hash), (a.RevisionId, a.ContentHash)));
            if (state == StatementState.Approved)
                Assert.Equal(["Approver", "Reviewer"], active.Where(a => a.Decision == Decision.Approve).Select(a => a.Role).Order());
            if (current != revision)
                Assert.Equal(StatementState.Draft, state); // the edit won: back to draft, nothing approved
        }

        var chain = await _s.Scoped(sp => AuditChain.VerifyAsync(sp.GetRequiredService<AppDbContext>()));
        Assert.True(chain.Ok, chain.Message);
    }
}
