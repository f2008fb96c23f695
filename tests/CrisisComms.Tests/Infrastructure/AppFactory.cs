using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// The whole app in memory with a fresh data folder and the demo accounts, on its embedded SQLite — or on a
/// database of its own in the test PostgreSQL server (<see cref="OnPostgres"/>, <see cref="PostgresAppFactory"/>).
/// Settings can be overridden per factory (rate limits, lockout, a bad value for validation tests).
/// </summary>
/// <remarks>
/// The environment variable <c>CRISISCOMMS_TEST_DATABASE=postgres</c> puts every plain <c>AppFactory</c> on PostgreSQL
/// too, so the whole integration suite can be run on either provider (a factory whose test sets Database:Provider
/// itself keeps it).
/// </remarks>
public class AppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Demo-Password-1";

    /// <summary>"postgres" runs every <c>AppFactory</c> on PostgreSQL; unset or "sqlite", on SQLite.</summary>
    public const string DatabaseVariable = "CRISISCOMMS_TEST_DATABASE";

    private readonly Dictionary<string, string?> _settings;
    private string? _postgresConnectionString;

    /// <summary>True when this app runs on the test PostgreSQL server.</summary>
    public bool IsPostgres { get; }

    /// <summary>The database the app uses when <see cref="IsPostgres"/> (created when the app starts).</summary>
    public string? PostgresConnectionString => _postgresConnectionString;

    /// <summary>When set, the app's clock: tests move time with <c>Clock.Advance</c>.</summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; private init; }

    /// <summary>An app whose TimeProvider is a fake clock starting at <paramref name="start"/>.</summary>
    public static AppFactory WithFakeClock(DateTimeOffset start, IDictionary<string, string?>? settings = null, bool? postgres = null) =>
        new(settings ?? new Dictionary<string, string?>(), postgres) { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start) };

    /// <summary>An app on a new database in the test PostgreSQL server (started on first use; a missing server fails the test).</summary>
    public static AppFactory OnPostgres(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(settings ?? new Dictionary<string, string?>(), postgres: true) { TestServices = services };

    /// <summary>Extra service registrations applied after the app's own (test doubles, interceptors).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "crisiscomms-tests", Guid.NewGuid().ToString("n"));

    public AppFactory() : this(new Dictionary<string, string?>(), postgres: null) { }

    /// <summary>An app with some settings overridden.</summary>
    public static AppFactory With(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null, bool? postgres = null) =>
        new(settings, postgres) { TestServices = services };

    /// <param name="postgres">true: PostgreSQL; false: SQLite; null: as <see cref="DatabaseVariable"/> says.</param>
    protected AppFactory(IDictionary<string, string?> settings, bool? postgres)
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
        IsPostgres = postgres ?? (!_settings.ContainsKey("Database:Provider") && PostgresByDefault);
        if (IsPostgres) _settings["Database:Provider"] = "Postgres";
    }

    private static bool PostgresByDefault =>
        string.Equals(Environment.GetEnvironmentVariable(DatabaseVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // The database is made when the app first starts, so a factory that is never used costs nothing.
        if (IsPostgres && !_settings.ContainsKey("Database:ConnectionString"))
            builder.UseSetting("Database:ConnectionString", _postgresConnectionString ??= PostgresServer.Shared.CreateDatabase());
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (Clock is { } clock)
            builder.ConfigureServices(services =>
            {
                var existing = services.Where(d => d.ServiceType == typeof(TimeProvider)).ToList();
                foreach (var d in existing) services.Remove(d);
                services.AddSingleton<TimeProvider>(clock);
            });
        // Page tests render components in a scope that stands in for a circuit's; it must never hand out a DbContext.
        builder.ConfigureTestServices(CircuitScope.Guard);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    /// <summary>A client with no cookies and no redirects followed, so 302s can be asserted.</summary>
    public HttpClient CreateRawClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = ClientOptions.BaseAddress });

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
            if (_postgresConnectionString is { } database)
            {
                // The server is thrown away at the end of the run anyway; a failed drop only costs disk until then.
                try { PostgresServer.Shared.DropDatabase(database); } catch (Npgsql.NpgsqlException) { }
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record IdBody(string Id);

    public sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);
}

/// <summary>An <see cref="AppFactory"/> on PostgreSQL, for <c>IClassFixture&lt;PostgresAppFactory&gt;</c>: one database per test class.</summary>
public sealed class PostgresAppFactory() : AppFactory(new Dictionary<string, string?>(), postgres: true);
