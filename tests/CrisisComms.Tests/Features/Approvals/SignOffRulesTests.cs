using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Tests.Features.Approvals;

/// <summary>Separation of duties and binding approvals to the exact text.</summary>
public sealed class SignOffRulesTests(AppFactory app) : SignOffRulesCases(app), IClassFixture<AppFactory>;

/// <summary>The same tests on PostgreSQL: separation of duties and approvals bound to the hash.</summary>
public sealed class SignOffRulesOnPostgresTests(PostgresAppFactory app) : SignOffRulesCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="SignOffRulesTests"/>, run once per database provider.</summary>
public abstract class SignOffRulesCases(AppFactory app)
{
    private readonly SignOffScenario _s = new(app);

    [Fact]
    public async Task Approved_only_when_every_required_role_has_signed_the_current_hash()
    {
        var id = await _s.StatementInAsync(StatementState.InReview);
        var revision = await _s.CurrentRevisionAsync(id);

        var first = await _s.DecideAsync(await _s.Reviewer, id, revision, Decision.Approve, "Legal OK");
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id));
        await _s.DecideAsync(await _s.Approver, id, revision, Decision.Approve);

        Assert.Equal(StatementState.Approved, await _s.StateAsync(id));
        var hash = await _s.Scoped(sp => sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>().StatementRevisions.Where(r => r.Id == revision).Select(r => r.ContentHash).SingleAsync());
        Assert.All(await _s.ApprovalsAsync(id), a => Assert.Equal(hash, a.ContentHash));
        Assert.Equal("Reviewer", first.Role);
    }

    [Fact]
    public async Task An_edit_after_approval_voids_the_approvals_returns_to_draft_and_needs_fresh_sign_off()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        var oldRevision = await _s.CurrentRevisionAsync(id);

        var newRevision = await _s.EditAsync(id, "Changed after approval");

        Assert.Equal(StatementState.Draft, await _s.StateAsync(id));
        var approvals = await _s.ApprovalsAsync(id);
        Assert.Equal(2, approvals.Count); // kept, not deleted
        Assert.All(approvals, a => Assert.Contains("superseded by revision 2", a.VoidedReason));

        await _s.SubmitAsync(id);
        var stale = await Assert.ThrowsAsync<ConflictException>(() => _s.DecideAsync(_s.Reviewer.Result, id, oldRevision, Decision.Approve));
        Assert.Contains("revision 2 is current", stale.Message);
        await _s.DecideAsync(await _s.Reviewer, id, newRevision, Decision.Approve);
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id)); // the old Approver signature does not count
    }

    [Fact]
    public async Task The_author_of_a_revision_cannot_approve_it_even_with_a_signing_role()
    {
        var (_, email) = await app.CreateUserAsync("writer-reviewer", StaffRoles.Author, StaffRoles.Reviewer);
        var writer = await app.PrincipalForAsync(email);
        var id = await _s.Scoped(async sp =>
        {
            var db = sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>();
            var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Slug == "customer-data-breach");
            return (await sp.GetRequiredService<StatementService>().CreateAsync(writer, incident.Id, new NewStatement { Kind = "faq", Audience = "public", Title = "FAQ", Body = "Q" })).Statement.Id;
        });
        await _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().SubmitAsync(writer, id));

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => _s.DecideAsync(writer, id, _s.CurrentRevisionAsync(id).Result, Decision.Approve));
        Assert.Contains("you wrote revision 1", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id));
    }

    [Fact]
    public async Task One_person_fills_at_most_one_required_role_on_a_revision()
    {
        var (_, email) = await app.CreateUserAsync("both-roles", StaffRoles.Reviewer, StaffRoles.Approver);
        var both = await app.PrincipalForAsync(email);
        var id = await _s.StatementInAsync(StatementState.InReview);
        var revision = await _s.CurrentRevisionAsync(id);

        await _s.DecideAsync(both, id, revision, Decision.Approve, role: "Reviewer");
        var second = await Assert.ThrowsAsync<ConflictException>(() => _s.DecideAsync(both, id, revision, Decision.Approve, role: "Approver"));

        Assert.Contains("at most one required role", second.Message);
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id));
        Assert.Single(await _s.ApprovalsAsync(id));
    }

    [Fact]
    public async Task The_admin_role_alone_grants_no_approval()
    {
        var id = await _s.StatementInAsync(StatementState.InReview);
        using var admin = await app.ClientForAsync("admin@demo.local");
        var response = await admin.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions", new { revisionId = await _s.CurrentRevisionAsync(id), decision = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await _s.ApprovalsAsync(id));
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_returns_the_statement_to_draft_voiding_earlier_signatures()
    {
        var id = await _s.StatementInAsync(StatementState.InReview);
        var revision = await _s.CurrentRevisionAsync(id);
        await _s.DecideAsync(await _s.Reviewer, id, revision, Decision.Approve);

        var noReason = await Assert.ThrowsAsync<AppValidationException>(() => _s.DecideAsync(_s.Approver.Result, id, revision, Decision.Reject, "  "));
        Assert.Contains("why", noReason.Errors["comment"][0]);
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id));

        await _s.DecideAsync(await _s.Approver, id, revision, Decision.Reject, "The apology must name the hotline first.");

        Assert.Equal(StatementState.Draft, await _s.StateAsync(id));
        var approvals = await _s.ApprovalsAsync(id);
        Assert.All(approvals, a => Assert.NotNull(a.VoidedAt));
        Assert.Contains(approvals, a => a.Decision == Decision.Reject && a.Comment == "The apology must name the hotline first.");
    }

    [Fact]
    public async Task A_role_removed_while_the_session_is_open_refuses_the_next_approval()
    {
        var (userId, email) = await app.CreateUserAsync("losing-role", StaffRoles.Reviewer, StaffRoles.Author);
        var session = await app.PrincipalForAsync(email); // captured while they still were Reviewer
        var id = await _s.StatementInAsync(StatementState.InReview);

        await _s.Scoped(async sp => await sp.GetRequiredService<UserAdminService>().SetRoleAsync(await _s.Admin, userId, StaffRoles.Reviewer, granted: false));

        await Assert.ThrowsAsync<AccessDeniedException>(() => _s.DecideAsync(session, id, _s.CurrentRevisionAsync(id).Result, Decision.Approve));
        Assert.Empty(await _s.ApprovalsAsync(id));
    }

    [Fact]
    public async Task Waiting_for_me_lists_what_the_user_can_still_sign()
    {
        var id = await _s.StatementInAsync(StatementState.InReview);
        var reviewer = await _s.Reviewer;
        async Task<bool> Waiting(System.Security.Claims.ClaimsPrincipal who) =>
            (await _s.Scoped(sp => sp.GetRequiredService<ApprovalService>().WaitingForAsync(who))).Any(w => w.StatementId == id);

        Assert.True(await Waiting(reviewer));
        Assert.True(await Waiting(await _s.Approver));
        Assert.False(await Waiting(await _s.Author));
        Assert.False(await Waiting(await _s.Admin));

        await _s.DecideAsync(reviewer, id, await _s.CurrentRevisionAsync(id), Decision.Approve);
        Assert.False(await Waiting(reviewer));
        Assert.True(await Waiting(await _s.Approver));
    }

    [Fact]
    public async Task The_policy_decides_who_signs_and_changing_it_is_admin_only_and_audited()
    {
        using var admin = await app.ClientForAsync("admin@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");

        var defaults = await admin.GetFromJsonAsync<Dictionary<string, string[]>>("/api/staff/v1/policies");
        Assert.Equal(["Reviewer", "Approver"], defaults!["ceo-apology"]);
        Assert.Equal(["Reviewer"], defaults["holding-statement"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PutAsJsonAsync("/api/staff/v1/policies/sms", new { roles = new[] { "Approver" } })).StatusCode);
        var adminRole = await admin.PutAsJsonAsync("/api/staff/v1/policies/sms", new { roles = new[] { "Admin" } });
        Assert.Equal(HttpStatusCode.BadRequest, adminRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/staff/v1/policies/sms", new { roles = Array.Empty<string>() })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/staff/v1/policies/sms", new { roles = new[] { "approver", "Reviewer" } })).StatusCode);
        var id = await _s.StatementInAsync(StatementState.InReview, kind: "sms");
        await _s.DecideAsync(await _s.Reviewer, id, await _s.CurrentRevisionAsync(id), Decision.Approve);
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id)); // SMS now also needs the Approver

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/staff/v1/audit?action=policy.");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("summary").GetString()!.Contains("SMS sign-off: Reviewer → Reviewer + Approver"));
        await admin.PutAsJsonAsync("/api/staff/v1/policies/sms", new { roles = new[] { "Reviewer" } });
    }

    [Fact]
    public async Task Comments_are_markdown_made_safe_and_bad_ones_are_refused()
    {
        var id = await _s.StatementInAsync(StatementState.InReview);
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");

        var ok = await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/comments", new { body = "**Check** the [hotline](javascript:alert(1)) <script>alert(2)</script>" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var html = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("html").GetString()!;
        Assert.Contains("<strong>Check</strong>", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.DoesNotContain("<script", html);

        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/comments", new { body = "   " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/comments", new { body = new string('x', 10_001) })).StatusCode);
        Assert.Single(await reviewer.GetFromJsonAsync<JsonElement[]>($"/api/staff/v1/statements/{id}/comments") ?? []);
    }

    [Fact]
    public async Task The_statement_api_shows_approvals_with_their_hash_and_voided_flag()
    {
        var id = await _s.StatementInAsync(StatementState.Approved);
        await _s.EditAsync(id, "Changed");
        using var author = await app.ClientForAsync("author@demo.local");
        var statement = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}");
        var approvals = statement.GetProperty("approvals").EnumerateArray().ToList();
        Assert.Equal(2, approvals.Count);
        Assert.All(approvals, a => Assert.True(a.GetProperty("voided").GetBoolean()));
        Assert.All(approvals, a => Assert.Matches("^[0-9a-f]{64}$", a.GetProperty("hash").GetString()));
        Assert.Equal("draft", statement.GetProperty("state").GetString());
    }
}
