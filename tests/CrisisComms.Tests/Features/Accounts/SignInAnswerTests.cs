using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>
/// An unknown email, a wrong password and a disabled account get the same answer (status, title, message) on the
/// login form and the token endpoint, and take about as long: each verifies one password hash, the unknown email
/// against a dummy hash — observed through the app's own password hasher, wrapped to count its verifications.
/// </summary>
public sealed partial class SignInAnswerTests : IAsyncLifetime
{
    private const string TokenUrl = "/api/staff/v1/auth/token";

    private readonly HashWatch _watch = new();
    private readonly AppFactory _app;
    private string _known = "";
    private string _disabled = "";

    public SignInAnswerTests()
    {
        _app = AppFactory.With(
            // Many wrong passwords in a row must stay wrong passwords here, not turn into a lockout.
            new Dictionary<string, string?> { ["Auth:MaxFailedAccessAttempts"] = "100" },
            services =>
            {
                services.AddSingleton(_watch);
                services.AddScoped<PasswordHasher<ApplicationUser>>();
                services.Replace(ServiceDescriptor.Scoped<IPasswordHasher<ApplicationUser>, CountingHasher>());
            });
    }

    public async Task InitializeAsync()
    {
        _known = (await _app.CreateUserAsync("answers", StaffRoles.Author)).Email;
        var (disabledId, disabledEmail) = await _app.CreateUserAsync("answersoff", StaffRoles.Author);
        using var admin = await _app.ClientForAsync("admin@demo.local");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/staff/v1/users/{disabledId}/disable", null)).StatusCode);
        _disabled = disabledEmail;
    }

    /// <summary>(what, email, password): the disabled account is tried with its right password, the hardest case to hide.</summary>
    private IEnumerable<(string What, string Email, string Password)> Cases() =>
    [
        ("unknown email", $"nobody-{Guid.NewGuid():n}@demo.local", AppFactory.UserPassword),
        ("wrong password", _known, "Not-The-Password-1"),
        ("disabled account, right password", _disabled, AppFactory.UserPassword),
        ("disabled account, wrong password", _disabled, "Not-The-Password-1"),
    ];

    [Fact]
    public async Task The_token_endpoint_answers_all_of_them_identically()
    {
        using var client = _app.CreateRawClient();
        var answers = new List<(string What, HttpStatusCode Status, string Body)>();
        foreach (var (what, email, password) in Cases())
        {
            var response = await client.PostAsJsonAsync(TokenUrl, new { email, password });
            answers.Add((what, response.StatusCode, WithoutTraceId(await response.Content.ReadAsStringAsync())));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.All(answers, a => Assert.Equal(answers[0].Body, a.Body));
        Assert.Contains("Invalid email or password.", answers[0].Body);
    }

    [Fact]
    public async Task The_login_form_answers_all_of_them_identically_and_signs_nobody_in()
    {
        var answers = new List<(string What, HttpStatusCode Status, string Message)>();
        foreach (var (what, email, password) in Cases())
        {
            using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var response = await LoginForm.PostAsync(browser, email, password);
            var html = await response.Content.ReadAsStringAsync();
            answers.Add((what, response.StatusCode, LoginError().Match(html).Groups[1].Value));
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("CrisisComms.Auth=", StringComparison.Ordinal) && !v.Contains("expires=Thu, 01 Jan 1970"));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.Equal("Invalid email or password.", a.Message));
    }

    [Fact]
    public async Task Each_answer_costs_one_password_hash_and_about_the_same_time()
    {
        using var client = _app.CreateRawClient();
        var cases = Cases().Take(3).ToList();
        foreach (var (what, email, password) in cases)
        {
            var before = _watch.Verifications;
            await client.PostAsJsonAsync(TokenUrl, new { email, password });
            Assert.True(_watch.Verifications - before == 1, $"{what}: expected one password-hash verification, saw {_watch.Verifications - before}");
        }

        // Interleaved rounds, so a busy moment on the machine falls on all three alike; the first rounds warm up.
        var times = cases.ToDictionary(c => c.What, _ => new List<double>());
        for (var round = 0; round < 9; round++)
        {
            foreach (var (what, email, password) in cases)
            {
                var clock = Stopwatch.StartNew();
                var response = await client.PostAsJsonAsync(TokenUrl, new { email, password });
                clock.Stop();
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                if (round >= 2) times[what].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var medians = times.ToDictionary(t => t.Key, t => t.Value.Order().ElementAt(t.Value.Count / 2));
        var summary = string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0.0} ms"));
        Assert.True(medians.Values.Max() <= 3 * medians.Values.Min(), $"median times differ by more than 3×: {summary}");
    }

    private static string WithoutTraceId(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return string.Join("\n", doc.RootElement.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex LoginError();

    /// <summary>How many password hashes the app verified.</summary>
    public sealed class HashWatch
    {
        private int _verifications;
        public int Verifications => Volatile.Read(ref _verifications);
        public void Count() => Interlocked.Increment(ref _verifications);
    }

    /// <summary>The app's real password hasher, counting its verifications.</summary>
    private sealed class CountingHasher(PasswordHasher<ApplicationUser> inner, HashWatch watch) : IPasswordHasher<ApplicationUser>
    {
        public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            watch.Count();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
