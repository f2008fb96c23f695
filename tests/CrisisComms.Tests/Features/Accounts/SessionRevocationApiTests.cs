using System.Net;
using System.Net.Http.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>
/// An admin resets someone's password; anyone signs their own account out everywhere (an admin anyone's). Either ends
/// every token and session issued before, is audited, and is refused to those who may not do it.
/// </summary>
public sealed class SessionRevocationApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string NewPassword = "Fresh-Start-Password-8";

    [Fact]
    public async Task A_reset_password_ends_old_tokens_refuses_the_old_password_and_lets_the_new_one_in()
    {
        var (id, email) = await app.CreateUserAsync("reset", "Author");
        using var user = await app.ClientForAsync(email, AppFactory.UserPassword);
        using var admin = await app.ClientForAsync("admin@demo.local");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/staff/v1/users/{id}/password", new { password = NewPassword })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/staff/v1/me")).StatusCode);
        using var anon = app.CreateRawClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = AppFactory.UserPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = NewPassword })).StatusCode);
        Assert.Contains(await AuditAsync(id), a => a.Action == "account.password-reset" && a.ActorName == "admin@demo.local");
    }

    [Fact]
    public async Task A_weak_new_password_is_a_400_naming_the_rule_and_nothing_changes()
    {
        var (id, email) = await app.CreateUserAsync("resetweak", "Author");
        using var user = await app.ClientForAsync(email, AppFactory.UserPassword);
        using var admin = await app.ClientForAsync("admin@demo.local");

        var response = await admin.PostAsJsonAsync($"/api/staff/v1/users/{id}/password", new { password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at least 12 characters", string.Join(" ", (await ProblemJson.ReadAsync(response)).Errors!["password"]));
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/staff/v1/me")).StatusCode);
        Assert.DoesNotContain(await AuditAsync(id), a => a.Action == "account.password-reset");
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_token_of_ones_own_account()
    {
        var (id, email) = await app.CreateUserAsync("everywhere", "Reviewer");
        using var laptop = await app.ClientForAsync(email, AppFactory.UserPassword);
        using var phone = await app.ClientForAsync(email, AppFactory.UserPassword);

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostAsync("/api/staff/v1/me/sign-out-everywhere", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/staff/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/staff/v1/me")).StatusCode);
        using var again = await app.ClientForAsync(email, AppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/staff/v1/me")).StatusCode);
        Assert.Contains(await AuditAsync(id), a => a.Action == "account.signed-out-everywhere" && a.ActorName == email);
    }

    [Fact]
    public async Task Only_an_admin_resets_passwords_or_signs_someone_else_out()
    {
        var (victimId, victimEmail) = await app.CreateUserAsync("victim", "Author");
        using var victim = await app.ClientForAsync(victimEmail, AppFactory.UserPassword);
        using var author = await app.ClientForAsync("author@demo.local");

        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostAsJsonAsync($"/api/staff/v1/users/{victimId}/password", new { password = NewPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostAsync($"/api/staff/v1/users/{victimId}/sign-out-everywhere", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/api/staff/v1/me")).StatusCode);
        Assert.DoesNotContain(await AuditAsync(victimId), a => a.Action is "account.password-reset" or "account.signed-out-everywhere");
    }

    private Task<List<CrisisComms.Web.Features.Audit.AuditEntry>> AuditAsync(string userId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.EntityId == userId).OrderBy(a => a.Id).ToListAsync());
}
