using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.Accounts;

public sealed class TokenEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string TokenUrl = "/api/staff/v1/auth/token";

    [Fact]
    public async Task Good_credentials_give_a_token_that_works_on_the_staff_api_with_the_users_roles()
    {
        using var client = app.CreateRawClient();
        var response = await client.PostAsJsonAsync(TokenUrl, new { email = "reviewer@demo.local", password = AppFactory.DemoPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<AppFactory.TokenBody>();
        Assert.False(string.IsNullOrEmpty(body!.Token));
        Assert.True(body.ExpiresAt > DateTimeOffset.UnixEpoch.AddYears(50), "expiresAt must be a real future time");

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.Token);
        var me = await client.GetFromJsonAsync<MeBody>("/api/staff/v1/me");
        Assert.Equal("reviewer@demo.local", me!.Email);
        Assert.Equal(["Reviewer"], me.Roles);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401_problem()
    {
        using var client = app.CreateRawClient();
        var wrong = await client.PostAsJsonAsync(TokenUrl, new { email = "approver@demo.local", password = "not-the-password" });
        var unknown = await client.PostAsJsonAsync(TokenUrl, new { email = "nobody@demo.local", password = "whatever-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var (p1, p2) = (await ProblemJson.ReadAsync(wrong), await ProblemJson.ReadAsync(unknown));
        Assert.Equal("Invalid email or password.", p1.Detail);
        Assert.Equal(p1.Detail, p2.Detail); // no hint whether the account exists
    }

    [Theory]
    [InlineData("", "x", "email", "Email is required.")]
    [InlineData("not-an-email", "x", "email", "is not a valid email address")]
    [InlineData("a@b.c", "", "password", "Password is required.")]
    public async Task Bad_input_is_a_400_naming_the_field(string email, string password, string field, string message)
    {
        using var client = app.CreateRawClient();
        var response = await client.PostAsJsonAsync(TokenUrl, new { email, password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains(message, Assert.Single(problem.Errors![field]));
    }

    [Fact]
    public async Task Overlong_email_is_refused_with_its_limit()
    {
        using var client = app.CreateRawClient();
        var response = await client.PostAsJsonAsync(TokenUrl, new { email = new string('a', 300) + "@demo.local", password = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 256", (await ProblemJson.ReadAsync(response)).Errors!["email"][0]);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_saying_so()
    {
        using var client = app.CreateRawClient();
        var response = await client.PostAsync(TokenUrl, new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (await ProblemJson.ReadAsync(response)).Detail);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused()
    {
        var email = await CreateUserAsync("lockme");
        using var client = app.CreateRawClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync(TokenUrl, new { email, password = "wrong-password-" + i });

        var response = await client.PostAsJsonAsync(TokenUrl, new { email, password = UserPassword });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Equal("Account locked.", problem.Title);
        Assert.NotNull(problem.LockedUntil);
    }

    [Fact]
    public async Task Four_wrong_passwords_do_not_lock_the_account()
    {
        var email = await CreateUserAsync("nolock");
        using var client = app.CreateRawClient();
        for (var i = 0; i < 4; i++)
            await client.PostAsJsonAsync(TokenUrl, new { email, password = "wrong-password-" + i });

        var response = await client.PostAsJsonAsync(TokenUrl, new { email, password = UserPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Failed_and_successful_sign_ins_are_audited_without_the_password()
    {
        var email = await CreateUserAsync("audited");
        using var client = app.CreateRawClient();
        await client.PostAsJsonAsync(TokenUrl, new { email, password = "Secret-Wrong-1234" });
        await client.PostAsJsonAsync(TokenUrl, new { email, password = UserPassword });

        var entries = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>();
            return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.AuditEntries.Where(a => a.ActorName == email && a.Action.StartsWith("auth.")).OrderBy(a => a.Id));
        });
        Assert.Equal(["auth.sign-in-failed", "auth.sign-in"], entries.Select(e => e.Action));
        Assert.DoesNotContain(entries, e => e.Summary.Contains("Secret-Wrong-1234") || e.Summary.Contains(UserPassword));
    }

    private const string UserPassword = AppFactory.UserPassword;

    private async Task<string> CreateUserAsync(string prefix) => (await app.CreateUserAsync(prefix, "Author")).Email;

    private sealed record MeBody(string Id, string Email, string DisplayName, string[] Roles);
}

/// <summary>Its own app instance: the limit is per client address and all tests share 127.0.0.1.</summary>
public sealed class TokenRateLimitTests() : IDisposable
{
    private readonly AppFactory _app = AppFactory.With(new Dictionary<string, string?>
    {
        ["Auth:LoginRateLimit:PermitLimit"] = "3",
        ["Auth:LoginRateLimit:Window"] = "00:10:00",
    });

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_get_429_with_retry_after_even_with_the_right_password()
    {
        using var client = _app.CreateRawClient();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email = "author@demo.local", password = "wrong" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        var limited = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email = "author@demo.local", password = AppFactory.DemoPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null, "Retry-After header expected");
        Assert.Contains("Too many sign-in attempts", (await ProblemJson.ReadAsync(limited)).Detail);
    }

    [Fact]
    public async Task Other_api_calls_are_not_limited_by_sign_in_attempts()
    {
        using var client = await _app.ClientForAsync("author@demo.local");
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/staff/v1/me")).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
