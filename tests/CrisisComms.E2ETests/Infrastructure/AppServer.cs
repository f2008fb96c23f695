using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// The whole app on real Kestrel (a free port on this machine) with the demo accounts, in a fresh
/// data folder that is deleted afterwards. One per test class (IClassFixture), so classes never
/// share a database and one class's lockouts or new users cannot leak into another's.
/// </summary>
public class AppServer : IAsyncLifetime
{
    public const string DemoPassword = "Demo-Password-1";

    private readonly Factory _factory;

    public AppServer()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "crisiscomms-e2e", Guid.NewGuid().ToString("n"));
        _factory = new Factory(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Seed:DemoData"] = "true",
            ["Seed:DemoPassword"] = DemoPassword,
            // Every test signs in from 127.0.0.1; the real limit (10 a minute) would throttle the suite.
            ["Auth:LoginRateLimit:PermitLimit"] = "1000",
            ["Auth:MaxFailedAccessAttempts"] = "5",
            // Keep the test output readable: warnings and errors only.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error", // "no XML encryptor" on every fresh key ring
        });
    }

    /// <summary>The fresh folder holding this server's SQLite database and keys.</summary>
    public string DataDirectory { get; }

    /// <summary>Where Kestrel listens, e.g. "http://127.0.0.1:41234" (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _factory.Services;

    public Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException("Kestrel reported no listening addresses.");
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                      ?? throw new InvalidOperationException($"Kestrel is not listening on http: {string.Join(", ", addresses)}");
        BaseUrl = address.TrimEnd('/');
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A plain HTTP client for the staff API of this server (no cookies, no redirects).</summary>
    public HttpClient CreateApiClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = new Uri(BaseUrl + "/"),
    };

    /// <summary>Creates a staff account through the staff API, signed in as the demo admin.</summary>
    public async Task CreateUserAsync(string email, string displayName, string password, params string[] roles)
    {
        using var client = CreateApiClient();
        var tokenResponse = await client.PostAsJsonAsync("api/staff/v1/auth/token", new { email = "admin@demo.local", password = DemoPassword });
        await EnsureSuccessAsync(tokenResponse, "POST /api/staff/v1/auth/token");
        var token = (await tokenResponse.Content.ReadFromJsonAsync<TokenBody>())?.Token
                    ?? throw new InvalidOperationException("The token endpoint returned no token.");

        using var create = new HttpRequestMessage(HttpMethod.Post, "api/staff/v1/users")
        {
            Content = JsonContent.Create(new { email, displayName, password, roles }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await client.SendAsync(create);
        await EnsureSuccessAsync(created, "POST /api/staff/v1/users");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Development serves the static web assets (MudBlazor's css/js) from the package folders.
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
