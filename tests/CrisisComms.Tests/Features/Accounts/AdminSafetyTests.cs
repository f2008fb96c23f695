using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>Admins and the sign-off roles, on SQLite.</summary>
public sealed class AdminSafetyTests() : AdminSafetyCases(postgres: false);

/// <summary>The same on PostgreSQL, where the concurrent demotions really run side by side.</summary>
public sealed class AdminSafetyOnPostgresTests() : AdminSafetyCases(postgres: true);

/// <summary>
/// An admin cannot grant themselves a sign-off role (Reviewer, Approver): another admin must. Two admins demoting each
/// other at the same moment leave at least one active admin, so the deployment is never locked out of its own accounts.
/// </summary>
public abstract class AdminSafetyCases(bool postgres)
{
    private const string Password = AppFactory.UserPassword;

    private AppFactory NewApp() => AppFactory.With(new Dictionary<string, string?>(), postgres: postgres);

    [Theory]
    [InlineData("approver")]
    [InlineData("reviewer")]
    public async Task An_admin_cannot_grant_themself_a_sign_off_role_but_another_admin_can(string role)
    {
        using var app = NewApp();
        var (id, email) = await app.CreateUserAsync("self-signer", "Admin");
        using var self = await app.ClientForAsync(email, Password);

        var refused = await self.PutAsync($"/api/staff/v1/users/{id}/roles/{role}", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("another admin", (await ProblemJson.ReadAsync(refused)).Detail);
        Assert.DoesNotContain(StaffRoles.Normalise(role)!, await RolesAsync(app, id));

        using var other = await app.ClientForAsync("admin@demo.local");
        Assert.Equal(HttpStatusCode.NoContent, (await other.PutAsync($"/api/staff/v1/users/{id}/roles/{role}", null)).StatusCode);
        Assert.Contains(StaffRoles.Normalise(role)!, await RolesAsync(app, id));
    }

    [Fact]
    public async Task An_admin_may_still_grant_themself_the_author_role()
    {
        using var app = NewApp();
        var (id, email) = await app.CreateUserAsync("self-author", "Admin");
        using var self = await app.ClientForAsync(email, Password);
        Assert.Equal(HttpStatusCode.NoContent, (await self.PutAsync($"/api/staff/v1/users/{id}/roles/author", null)).StatusCode);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_the_same_moment_leave_one_admin()
    {
        using var app = NewApp();
        var a = await app.CreateUserAsync("admin-a", "Admin", "Author");
        var b = await app.CreateUserAsync("admin-b", "Admin", "Author");
        using var clientA = await app.ClientForAsync(a.Email, Password);
        using var clientB = await app.ClientForAsync(b.Email, Password);
        // Only A and B are active admins.
        var demoAdmin = (await clientA.GetFromJsonAsync<JsonElement>("/api/staff/v1/users")).EnumerateArray()
            .First(u => u.GetProperty("email").GetString() == "admin@demo.local").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await clientA.PostAsync($"/api/staff/v1/users/{demoAdmin}/disable", null)).StatusCode);

        for (var round = 0; round < 8; round++)
        {
            using var start = new Barrier(2);
            var demoteB = Task.Run(async () => { start.SignalAndWait(); return await clientA.DeleteAsync($"/api/staff/v1/users/{b.Id}/roles/Admin"); });
            var demoteA = Task.Run(async () => { start.SignalAndWait(); return await clientB.DeleteAsync($"/api/staff/v1/users/{a.Id}/roles/Admin"); });
            var results = await Task.WhenAll(demoteB, demoteA);

            var admins = await ActiveAdminsAsync(app);
            Assert.True(admins.Count == 1, $"round {round}: {admins.Count} active admins after the two demotions ({results[0].StatusCode}, {results[1].StatusCode})");
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.NoContent);
            var refusal = results.Single(r => r.StatusCode != HttpStatusCode.NoContent);
            Assert.True(refusal.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden, $"round {round}: the refused demotion answered {refusal.StatusCode}");

            // The survivor makes the other an admin again for the next round.
            var survivor = admins[0] == a.Id ? clientA : clientB;
            var demoted = admins[0] == a.Id ? b.Id : a.Id;
            Assert.Equal(HttpStatusCode.NoContent, (await survivor.PutAsync($"/api/staff/v1/users/{demoted}/roles/Admin", null)).StatusCode);
        }
    }

    private static Task<List<string>> RolesAsync(AppFactory app, string userId) => app.WithScopeAsync(sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        return (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync();
    });

    private static Task<List<string>> ActiveAdminsAsync(AppFactory app) => app.WithScopeAsync(sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        return (from ur in db.UserRoles
                join r in db.Roles on ur.RoleId equals r.Id
                join u in db.Users on ur.UserId equals u.Id
                where r.Name == StaffRoles.Admin && !u.IsDisabled
                select u.Id).ToListAsync();
    });
}
