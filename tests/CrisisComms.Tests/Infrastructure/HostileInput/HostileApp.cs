using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// One app per hostile-input test class, with an incident and a statement (draft) made once through the API,
/// so every bad request has real targets whose saved state can be compared before and after.
/// </summary>
public sealed class HostileApp : AppFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Targets? _targets;
    private readonly Dictionary<string, string> _tokens = [];

    /// <summary>A bearer client for a demo account; its token is issued once per app (sign-in hashing is slow on purpose).</summary>
    public async Task<HttpClient> CachedClientAsync(string email)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(email, out var token)) _tokens[email] = token = await TokenAsync(email);
            var client = CreateRawClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The incident, its draft statement, that statement's current revision, and a user account (for the admin routes on users).</summary>
    public sealed record Targets(string IncidentId, string StatementId, string RevisionId, string UserId);

    public async Task<Targets> TargetsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_targets is not null) return _targets;
            using var author = await ClientForAsync("author@demo.local");
            var incident = await author.PostAsJsonAsync("/api/staff/v1/incidents",
                new { title = "Hostile input target", summary = "Saved text that bad requests must not change.", severity = "major", isPublic = false });
            Assert.Equal(HttpStatusCode.Created, incident.StatusCode);
            var incidentId = (await incident.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var fact = await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incidentId}/facts/affected_count", new { label = "Customers affected", value = 1200 });
            Assert.Equal(HttpStatusCode.OK, fact.StatusCode);
            var statement = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{incidentId}/statements",
                new { kind = "holding-statement", audience = "public", title = "We are investigating", body = "About {{ facts.affected_count }} customers." });
            Assert.Equal(HttpStatusCode.Created, statement.StatusCode);
            var created = await statement.Content.ReadFromJsonAsync<JsonElement>();
            using var admin = await ClientForAsync("admin@demo.local");
            var user = await admin.PostAsJsonAsync("/api/staff/v1/users",
                new { email = "hostile-target@demo.local", displayName = "Hostile target", password = UserPassword, roles = new[] { "Author" } });
            Assert.Equal(HttpStatusCode.Created, user.StatusCode);
            var userId = (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            return _targets = new Targets(incidentId, created.GetProperty("id").GetString()!, created.GetProperty("revisionId").GetString()!, userId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Everything a bad request could have changed: the incident with its facts, the statement, the users, the policies.</summary>
    public async Task<string> SavedStateAsync(Targets targets)
    {
        using var admin = await CachedClientAsync("admin@demo.local");
        var parts = new[]
        {
            $"/api/staff/v1/incidents/{targets.IncidentId}",
            $"/api/staff/v1/statements/{targets.StatementId}",
            $"/api/staff/v1/statements/{targets.StatementId}/comments",
            "/api/staff/v1/users",
            "/api/staff/v1/policies",
        };
        var text = new StringBuilder();
        foreach (var path in parts)
        {
            var response = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text.Append(path).Append(": ").AppendLine(await response.Content.ReadAsStringAsync());
        }
        return text.ToString();
    }

    /// <summary>/healthz still answers: the bad request did not take the process down.</summary>
    public async Task AssertStillHealthyAsync()
    {
        using var client = CreateRawClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>A request with exactly these bytes as its body.</summary>
    public static HttpRequestMessage Raw(HttpMethod method, string path, byte[]? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return request;
    }

    /// <summary>The problem's whole text (title, detail, field errors), for asserting that it names the problem.</summary>
    public static async Task<string> ProblemTextAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ProblemJson.ReadAsync(response);
        var errors = problem.Errors is null ? "" : string.Join(" ", problem.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value)));
        return $"{problem.Title} {problem.Detail} {errors}";
    }
}
