using System.Net.Http.Headers;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// Two instances of the app, A and B, on different ports, sharing one new PostgreSQL database (on the test process's
/// <see cref="PostgresServer"/>) and the test process's <see cref="RedisServer"/> — a deployment behind a load balancer
/// without the load balancer. A starts first on the empty database (it migrates and seeds); B starts once A is ready.
/// Disposing kills both and drops the database.
/// </summary>
public sealed class TwoInstanceCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private string? _database;

    public AppInstance A { get; private set; } = null!;
    public AppInstance B { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;

    public IEnumerable<AppInstance> Instances => [A, B];

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync(); // xunit does not dispose a fixture whose start failed
            throw;
        }
    }

    private async Task StartAsync()
    {
        Redis = RedisServer.Shared;
        _database = PostgresServer.Shared.CreateDatabase();
        // A rendered page is kept far longer than any wait in these tests: a page that changes on time was evicted, not expired.
        var settings = AppInstance.ScaledOutSettings(_database, Redis.Configuration);
        settings["StatusPage:ServerCacheDuration"] = "00:10:00";
        A = AppInstance.Start("A", settings);
        await A.WaitUntilReadyAsync(StartTimeout);
        B = AppInstance.Start("B", settings);
        try
        {
            await B.WaitUntilReadyAsync(StartTimeout);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(e.Message + "\n" + A.Tail(), e);
        }
    }

    public async Task DisposeAsync()
    {
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        (A, B) = (null!, null!);
        if (_database is not null) PostgresServer.Shared.DropDatabase(_database);
        _database = null;
    }

    /// <summary>Both instances' logs and Redis's, for failure messages.</summary>
    public string Logs() =>
        $"\n{A?.Tail()}\n{B?.Tail()}\n{(Redis is null ? "" : Redis.Tail(20))}";

    /// <summary>Marks the same moment in both instances' logs.</summary>
    public void Note(string text)
    {
        A?.Note(text);
        B?.Note(text);
    }

    /// <summary>A staff API bearer token for a demo account, issued by <paramref name="instance"/>.</summary>
    public static async Task<string> TokenAsync(AppInstance instance, string email)
    {
        using var client = instance.CreateClient();
        using var response = await client.PostAsJsonAsync("api/staff/v1/auth/token", new { email, password = AppInstance.DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /api/staff/v1/auth/token on {instance.Name} for {email} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("token").GetString() ?? throw new InvalidOperationException("The token endpoint returned no token.");
    }

    /// <summary>Calls the staff API of <paramref name="instance"/> with a bearer token; throws, naming the instance and the answer, unless it succeeds.</summary>
    public static async Task<JsonElement> ApiAsync(AppInstance instance, string token, HttpMethod method, string path, object? body = null)
    {
        using var client = instance.CreateClient();
        using var request = new HttpRequestMessage(method, "api/staff/v1/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} /api/staff/v1/{path} on instance {instance.Name} answered {(int)response.StatusCode}: {text}");
        if (text.Length == 0) return default;
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }
}
