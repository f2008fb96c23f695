using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "crisiscomms-tests", Guid.NewGuid().ToString("n"));

    public AppFactory() : this(new Dictionary<string, string?>()) { }

    /// <summary>An app with some settings overridden.</summary>
    public static AppFactory With(IDictionary<string, string?> settings) => new(settings);

    private AppFactory(IDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Seed:DemoData"] = "true",
            ["Seed:DemoPassword"] = DemoPassword,
            // Tests share one client address; only the rate-limit tests lower this.
            ["Auth:LoginRateLimit:PermitLimit"] = "1000",
        };
        foreach (var (k, v) in settings) _settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
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

    public sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);
}
