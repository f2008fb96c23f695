using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>Account administration through the staff API: roles are checked in the service, on every call, against the database.</summary>
public sealed class UsersApiTests(AppFactory app) : UsersApiCases(app), IClassFixture<AppFactory>;

/// <summary>The same tests on PostgreSQL: accounts, roles, one user per email.</summary>
public sealed class UsersApiOnPostgresTests(PostgresAppFactory app) : UsersApiCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="UsersApiTests"/>, run once per database provider.</summary>
public abstract class UsersApiCases(AppFactory app)
{
    private const string Password = AppFactory.UserPassword;

    [Theory]
    [InlineData("author@demo.local")]
    [InlineData("reviewer@demo.local")]
    [InlineData("approver@demo.local")]
    public async Task Non_admins_get_403_naming_the_role_needed(string email)
    {
        using var client = await app.ClientForAsync(email);
        var list = await client.GetAsync("/api/staff/v1/users");
        var create = await client.PostAsJsonAsync("/api/staff/v1/users", new { email = "x@demo.local", displayName = "X", password = Password, roles = new[] { "Admin" } });

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Contains("needs the Admin role", (await ProblemJson.ReadAsync(list)).Detail);
        Assert.Null(await FindUserAsync("x@demo.local"));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_problem_not_a_login_redirect()
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync("/api/staff/v1/users");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_forged_or_garbage_token_is_401()
    {
        using var client = app.CreateRawClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/staff/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Admin_creates_a_user_with_several_roles_who_can_then_sign_in()
    {
        var email = Unique("multi");
        using var admin = await app.ClientForAsync("admin@demo.local");
        var created = await admin.PostAsJsonAsync("/api/staff/v1/users", new { email, displayName = "Multi Role", password = Password, roles = new[] { "Author", "reviewer" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var user = await app.ClientForAsync(email, Password);
        var me = await user.GetFromJsonAsync<MeBody>("/api/staff/v1/me");
        Assert.Equal(["Author", "Reviewer"], me!.Roles);

        var audit = await AuditAsync(me.Id);
        Assert.Contains(audit, a => a.Action == "account.created" && a.ActorName == "admin@demo.local");
    }

    public static TheoryData<string, string, string, string[], string, string> BadCreates => new()
    {
        { "", "Name", Password, ["Author"], "email", "Email is required." },
        { "not-an-email", "Name", Password, ["Author"], "email", "is not a valid email address" },
        { "two@@demo.local", "Name", Password, ["Author"], "email", "is not a valid email address" },
        { new string('a', 250) + "@demo.local", "Name", Password, ["Author"], "email", "at most 256" },
        { "author@demo.local", "Name", Password, ["Author"], "email", "already exists" },
        { "ok1@demo.local", "", Password, ["Author"], "displayName", "Display name is required." },
        { "ok2@demo.local", new string('n', 101), Password, ["Author"], "displayName", "at most 100" },
        { "ok3@demo.local", "Name", "", ["Author"], "password", "Password is required." },
        { "ok4@demo.local", "Name", "short", ["Author"], "password", "at least 12 characters" },
        { "ok5@demo.local", "Name", Password, [], "roles", "at least one role" },
        { "ok6@demo.local", "Name", Password, ["Superuser"], "roles", "\"Superuser\" is not a role" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Bad_new_user_input_is_400_naming_the_field_and_saves_nothing(string email, string name, string password, string[] roles, string field, string message)
    {
        using var admin = await app.ClientForAsync("admin@demo.local");
        var before = await CountUsersAsync();

        var response = await admin.PostAsJsonAsync("/api/staff/v1/users", new { email, displayName = name, password, roles });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains(problem.Errors![field], m => m.Contains(message));
        Assert.Equal(before, await CountUsersAsync());
    }

    [Fact]
    public async Task Markup_in_a_display_name_is_kept_as_text()
    {
        var email = Unique("xss");
        using var admin = await app.ClientForAsync("admin@demo.local");
        var response = await admin.PostAsJsonAsync("/api/staff/v1/users", new { email, displayName = "<script>alert(1)</script>", password = Password, roles = new[] { "Author" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var user = await app.ClientForAsync(email, Password);
        Assert.Equal("<script>alert(1)</script>", (await user.GetFromJsonAsync<MeBody>("/api/staff/v1/me"))!.DisplayName);
    }

    [Fact]
    public async Task Creating_the_same_email_twice_at_once_makes_one_user_and_one_clear_refusal()
    {
        var email = Unique("race");
        using var admin = await app.ClientForAsync("admin@demo.local");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            admin.PostAsJsonAsync("/api/staff/v1/users", new { email, displayName = "Race", password = Password, roles = new[] { "Author" } })));

        Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("already exists", (await ProblemJson.ReadAsync(refused)).Errors!["email"][0]);
        }
    }

    [Fact]
    public async Task A_removed_role_takes_effect_on_the_users_next_request_with_the_same_token()
    {
        var (id, email) = await CreateAsync("demote", "Author", "Admin");
        using var user = await app.ClientForAsync(email, Password);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/staff/v1/users")).StatusCode);

        using var admin = await app.ClientForAsync("admin@demo.local");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/staff/v1/users/{id}/roles/Admin")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/staff/v1/users")).StatusCode);
        Assert.Equal(["Author"], (await user.GetFromJsonAsync<MeBody>("/api/staff/v1/me"))!.Roles);
        Assert.Contains(await AuditAsync(id), a => a.Action == "account.role-removed" && a.Summary.Contains("Admin"));
    }

    [Fact]
    public async Task A_granted_role_works_at_once()
    {
        var (id, email) = await CreateAsync("promote", "Author");
        using var user = await app.ClientForAsync(email, Password);
        using var admin = await app.ClientForAsync("admin@demo.local");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/staff/v1/users/{id}/roles/approver", null)).StatusCode);

        Assert.Equal(["Approver", "Author"], (await user.GetFromJsonAsync<MeBody>("/api/staff/v1/me"))!.Roles);
    }

    [Fact]
    public async Task A_disabled_account_loses_its_open_token_and_cannot_sign_in_until_enabled()
    {
        var (id, email) = await CreateAsync("disable", "Reviewer");
        using var user = await app.ClientForAsync(email, Password);
        using var admin = await app.ClientForAsync("admin@demo.local");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/staff/v1/users/{id}/disable", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/staff/v1/me")).StatusCode);
        using var anon = app.CreateRawClient();
        var signIn = await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = Password });
        // Even with the right password, a disabled account answers as a wrong password does: nothing to learn from it.
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal("Invalid email or password.", (await ProblemJson.ReadAsync(signIn)).Detail);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/staff/v1/users/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = Password })).StatusCode);
        var actions = (await AuditAsync(id)).Select(a => a.Action).ToList();
        Assert.Contains("account.disabled", actions);
        Assert.Contains("account.enabled", actions);
    }

    [Fact]
    public async Task An_admin_cannot_disable_themself_or_drop_their_own_admin_role()
    {
        var (id, email) = await CreateAsync("selfadmin", "Admin");
        using var self = await app.ClientForAsync(email, Password);

        var disable = await self.PostAsync($"/api/staff/v1/users/{id}/disable", null);
        var drop = await self.DeleteAsync($"/api/staff/v1/users/{id}/roles/Admin");

        Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);
        Assert.Contains("your own account", (await ProblemJson.ReadAsync(disable)).Detail);
        Assert.Equal(HttpStatusCode.Conflict, drop.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await self.GetAsync("/api/staff/v1/users")).StatusCode);
    }

    [Fact]
    public async Task Unknown_user_and_unknown_role_are_404_and_400()
    {
        using var admin = await app.ClientForAsync("admin@demo.local");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/staff/v1/users/no-such-id/disable", null)).StatusCode);
        var (id, _) = await CreateAsync("badrole", "Author");
        var badRole = await admin.PutAsync($"/api/staff/v1/users/{id}/roles/Root", null);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("not a role", (await ProblemJson.ReadAsync(badRole)).Errors!["role"][0]);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():n}@demo.local";

    private Task<(string Id, string Email)> CreateAsync(string prefix, params string[] roles) => app.CreateUserAsync(prefix, roles);

    private Task<int> CountUsersAsync() => app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Users.CountAsync());

    private Task<CrisisComms.Web.Features.Accounts.ApplicationUser?> FindUserAsync(string email) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Users.FirstOrDefaultAsync(u => u.Email == email));

    private Task<List<CrisisComms.Web.Features.Audit.AuditEntry>> AuditAsync(string userId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.EntityId == userId).OrderBy(a => a.Id).ToListAsync());

    private sealed record MeBody(string Id, string Email, string DisplayName, string[] Roles);
}
