using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// The whole app in memory on its embedded SQLite, with a fresh data folder and the demo accounts.
/// Settings can be overridden per factory (rate limits, lockout, a bad value for validation tests).
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Demo-Password-1";

    private readonly Dictionary<string, string?> _settings;

    /// <summary>When set, the app's clock: tests move time with <c>Clock.Advance</c>.</summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; private init; }

    /// <summary>An app whose TimeProvider is a fake clock starting at <paramref name="start"/>.</summary>
    public static AppFactory WithFakeClock(DateTimeOffset start, IDictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?>()) { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start) };

    /// <summary>Extra service registrations applied after the app's own (test doubles, interceptors).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "crisiscomms-tests", Guid.NewGuid().ToString("n"));

    public AppFactory() : this(new Dictionary<string, string?>()) { }

    /// <summary>An app with some settings overridden.</summary>
    public static AppFactory With(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        new(settings) { TestServices = services };

    private AppFactory(IDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Seed:DemoData"] = "true",
            ["Seed:DemoPassword"] = DemoPassword,
            // Tests share one client address; only the rate-limit tests lower this.
            ["Auth:LoginRateLimit:PermitLimit"] = "1000",
            ["StatusPage:RateLimit:PermitLimit"] = "100000",
        };
        foreach (var (k, v) in settings) _settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (Clock is { } clock)
            builder.ConfigureServices(services =>
            {
                var existing = services.Where(d => d.ServiceType == typeof(TimeProvider)).ToList();
                foreach (var d in existing) services.Remove(d);
                services.AddSingleton<TimeProvider>(clock);
            });
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    /// <summary>A client with no cookies and no redirects followed, so 302s can be asserted.</summary>
    public HttpClient CreateRawClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public async Task<string> TokenAsync(string email, string password = DemoPassword)
    {
        using var client = CreateRawClient();
        var response = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.Token;
    }

    public async Task<HttpClient> ClientForAsync(string email, string password = DemoPassword)
    {
        var client = CreateRawClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(email, password));
        return client;
    }

    /// <summary>Password of the users tests create with <see cref="CreateUserAsync"/>.</summary>
    public const string UserPassword = "Correct-Horse-Battery-9";

    /// <summary>A new staff account with a unique email, made by the demo admin through the staff API.</summary>
    public async Task<(string Id, string Email)> CreateUserAsync(string prefix, params string[] roles)
    {
        var email = $"{prefix}-{Guid.NewGuid():n}@demo.local";
        using var admin = await ClientForAsync("admin@demo.local");
        var response = await admin.PostAsJsonAsync("/api/staff/v1/users", new { email, displayName = prefix, password = UserPassword, roles });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<IdBody>())!.Id, email);
    }

    /// <summary>The claims principal the app would build for this user at sign-in (for calling services directly).</summary>
    public Task<System.Security.Claims.ClaimsPrincipal> PrincipalForAsync(string email) => WithScopeAsync(async sp =>
    {
        var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CrisisComms.Web.Features.Accounts.ApplicationUser>>();
        var factory = sp.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<CrisisComms.Web.Features.Accounts.ApplicationUser>>();
        return await factory.CreateAsync((await users.FindByEmailAsync(email))!);
    });

    /// <summary>Runs code against the app's services in a fresh scope (a database check, a service call).</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record IdBody(string Id);

    public sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);
}
