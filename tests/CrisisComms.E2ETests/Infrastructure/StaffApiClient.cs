using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// The staff API of an <see cref="AppServer"/> with a bearer token, for arranging data a browser
/// test needs but is not about (a statement to edit, an incident of its own).
/// </summary>
public sealed class StaffApiClient : IDisposable
{
    private readonly HttpClient _client;

    private StaffApiClient(HttpClient client) => _client = client;

    /// <summary>Exchanges the account's password for a token (POST /api/staff/v1/auth/token).</summary>
    public static async Task<StaffApiClient> SignInAsync(AppServer app, string email, string password = AppServer.DemoPassword)
    {
        var client = app.CreateApiClient();
        try
        {
            var response = await client.PostAsJsonAsync("api/staff/v1/auth/token", new { email, password });
            var token = (await ReadAsync(response, "POST /api/staff/v1/auth/token")).GetProperty("token").GetString()
                        ?? throw new InvalidOperationException("The token endpoint returned no token.");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return new StaffApiClient(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Starts a statement from a template on an incident (id or slug); returns the statement's id.</summary>
    public async Task<Guid> CreateStatementAsync(string incident, string template)
    {
        var created = await SendAsync(HttpMethod.Post, $"incidents/{incident}/statements", new { template });
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Opens a new incident with a copy of another incident's fact sheet, so a test can change facts
    /// without disturbing anything else that uses the original. Returns the new incident's id.
    /// </summary>
    public async Task<Guid> CreateIncidentWithFactsOfAsync(string sourceIncident, string title)
    {
        var source = await SendAsync(HttpMethod.Get, $"incidents/{sourceIncident}");
        var created = await SendAsync(HttpMethod.Post, "incidents", new { title, summary = "Created by a browser test.", severity = "major", status = "identified", isPublic = false });
        var id = created.GetProperty("id").GetGuid();
        foreach (var fact in source.GetProperty("facts").EnumerateArray())
        {
            var key = fact.GetProperty("key").GetString();
            await SendAsync(HttpMethod.Put, $"incidents/{id}/facts/{key}", new
            {
                label = fact.GetProperty("label").GetString(),
                type = fact.GetProperty("type").GetString(),
                value = fact.GetProperty("value").GetString(),
            });
        }
        return id;
    }

    /// <summary>Starts a statement with its own words (no template) on an incident (id or slug); returns the statement's id.</summary>
    public async Task<Guid> CreateStatementAsync(string incident, string kind, string audience, string title, string body)
    {
        var created = await SendAsync(HttpMethod.Post, $"incidents/{incident}/statements", new { kind, audience, title, body });
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>Signs the statement's current revision (POST /statements/{id}/decisions; the caller must hold a required role).</summary>
    public async Task ApproveAsync(Guid statementId, string comment = "Approved by a browser test.") =>
        await SendAsync(HttpMethod.Post, $"statements/{statementId}/decisions",
            new { revisionId = await CurrentRevisionIdAsync(statementId), decision = "approve", comment });

    /// <summary>Publishes an approved statement now (POST /statements/{id}/publish); returns when the server has recorded the publication.</summary>
    public Task PublishNowAsync(Guid statementId) => SendAsync(HttpMethod.Post, $"statements/{statementId}/publish");

    /// <summary>Moves a draft into review (POST /statements/{id}/submit; the caller must be an Author).</summary>
    public Task SubmitForSignOffAsync(Guid statementId) => SendAsync(HttpMethod.Post, $"statements/{statementId}/submit");

    /// <summary>The id of the statement's current revision: the one a reviewer decides on.</summary>
    public async Task<Guid> CurrentRevisionIdAsync(Guid statementId) =>
        (await SendAsync(HttpMethod.Get, $"statements/{statementId}")).GetProperty("currentRevisionId").GetGuid();

    /// <summary>The statement's state as the API reports it, e.g. "in-review".</summary>
    public async Task<string?> StateAsync(Guid statementId) =>
        (await SendAsync(HttpMethod.Get, $"statements/{statementId}")).GetProperty("state").GetString();

    /// <summary>The statements waiting for this account's signature (GET /approvals/waiting), by id.</summary>
    public async Task<IReadOnlyList<Guid>> WaitingForMeAsync() =>
        [.. (await SendAsync(HttpMethod.Get, "approvals/waiting")).EnumerateArray().Select(item => item.GetProperty("statementId").GetGuid())];

    /// <summary>
    /// Sends a request and hands back the response whatever its status, for tests about refusals
    /// (the caller disposes it). <paramref name="path"/> is relative to /api/staff/v1/.
    /// </summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "api/staff/v1/" + path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "api/staff/v1/" + path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _client.SendAsync(request);
        return await ReadAsync(response, $"{method} /api/staff/v1/{path}");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {text}");
        if (text.Length == 0) return default; // 204 No Content
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
