using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrisisComms.Benchmarks;

/// <summary>
/// A thin client for the staff API (<c>/api/staff/v1</c>) as one signed-in user: JSON camelCase, bearer token.
/// Only what benchmarks need; any non-success answer throws <see cref="StaffApiException"/> with the problem details.
/// </summary>
public sealed class StaffApi
{
    public const string Prefix = "api/staff/v1/";
    public const string DemoPassword = "Demo-Password-1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly string _token;

    private StaffApi(HttpClient http, string email, string token) => (_http, Email, _token) = (http, email, token);

    public string Email { get; }

    /// <summary>The bearer token, for other clients of the same user (the change feed's SignalR hub).</summary>
    public string AccessToken => _token;

    /// <summary>POST /auth/token. <paramref name="http"/> must have the app's base address; it is shared, not owned.</summary>
    public static async Task<StaffApi> SignInAsync(HttpClient http, string email, string password, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Prefix + "auth/token") { Content = JsonContent.Create(new { email, password }, options: Json) };
        var token = await SendAsync<TokenResponse>(http, request, ct);
        return new StaffApi(http, email, token.Token);
    }

    public Task<CreatedStatement> CreateStatementAsync(string incident, string template, CancellationToken ct) =>
        PostAsync<CreatedStatement>($"incidents/{Uri.EscapeDataString(incident)}/statements", new { template }, ct);

    /// <summary>POST /incidents/{incident}/statements with its own text (no template).</summary>
    public Task<CreatedStatement> CreateStatementAsync(string incident, string kind, string audience, string title, string body, CancellationToken ct) =>
        PostAsync<CreatedStatement>($"incidents/{Uri.EscapeDataString(incident)}/statements", new { kind, audience, title, body }, ct);

    public Task SubmitAsync(Guid statementId, CancellationToken ct) => PostAsync<Nothing>($"statements/{statementId}/submit", null, ct);

    public Task DecideAsync(Guid statementId, Guid revisionId, string decision, string? comment, CancellationToken ct) =>
        PostAsync<Nothing>($"statements/{statementId}/decisions", new { revisionId, decision, comment }, ct);

    /// <summary>POST /statements/{id}/schedule with <paramref name="at"/> sent as ISO 8601 with milliseconds and offset.</summary>
    public Task ScheduleAsync(Guid statementId, DateTimeOffset at, CancellationToken ct) =>
        PostAsync<Nothing>($"statements/{statementId}/schedule", new { at = FormatTime(at) }, ct);

    /// <summary>POST /statements/{id}/publish: publish an approved statement now.</summary>
    public Task<PublishedNow> PublishNowAsync(Guid statementId, CancellationToken ct) => PostAsync<PublishedNow>($"statements/{statementId}/publish", null, ct);

    /// <summary>GET /diagnostics (admin only): database commands since the app started, "total" and per category.</summary>
    public async Task<IReadOnlyDictionary<string, long>> DatabaseCommandsAsync(CancellationToken ct) =>
        (await GetAsync<Diagnostics>("diagnostics", ct)).DatabaseCommands;

    /// <summary>GET /diagnostics (admin only) in full; <paramref name="collect"/>: managed memory after a full GC (costly).</summary>
    public Task<AppDiagnostics> DiagnosticsAsync(bool collect, CancellationToken ct) =>
        GetAsync<AppDiagnostics>(collect ? "diagnostics?collect=true" : "diagnostics", ct);

    public Task<StatementDetail> GetStatementAsync(Guid statementId, CancellationToken ct) => GetAsync<StatementDetail>($"statements/{statementId}", ct);

    public Task<List<StatementListItem>> ListStatementsAsync(string incident, CancellationToken ct) =>
        GetAsync<List<StatementListItem>>($"incidents/{Uri.EscapeDataString(incident)}/statements", ct);

    public static string FormatTime(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var request = Authorized(HttpMethod.Get, path);
        return await SendAsync<T>(_http, request, ct);
    }

    private async Task<T> PostAsync<T>(string path, object? body, CancellationToken ct)
    {
        using var request = Authorized(HttpMethod.Post, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        return await SendAsync<T>(_http, request, ct);
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path) =>
        new(method, Prefix + path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", _token) } };

    private static async Task<T> SendAsync<T>(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new StaffApiException(request.Method, request.RequestUri?.ToString() ?? "", response.StatusCode, text);
        }
        if (typeof(T) == typeof(Nothing) || response.StatusCode == HttpStatusCode.NoContent) return default!;
        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new InvalidOperationException($"{request.Method} {request.RequestUri}: empty answer.");
    }

    private sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

    private sealed record Nothing;

    private sealed record Diagnostics(Dictionary<string, long> DatabaseCommands);
}

/// <summary>The admin diagnostics: database commands, staff circuits (open, connected) and managed memory in bytes.</summary>
public sealed record AppDiagnostics(Dictionary<string, long> DatabaseCommands, CircuitCounts Circuits, long ManagedBytes);

public sealed record CircuitCounts(int Open, int Connected);

public sealed record CreatedStatement(Guid Id, Guid RevisionId);

public sealed record PublishedNow(Guid RevisionId, string Hash, DateTimeOffset PublishedAt, string Trigger);

public sealed record PublicationInfo(Guid RevisionId, string Hash, DateTimeOffset PublishedAt, string Trigger);

public sealed record StatementDetail(Guid Id, string State, Guid CurrentRevisionId, DateTimeOffset? ScheduledFor, IReadOnlyList<PublicationInfo> Publications);

public sealed record StatementListItem(Guid Id, string Kind, string State, string Title, int Revision, DateTimeOffset UpdatedAt);

/// <summary>A non-success answer from the staff API, with the response body (RFC 9457 problem details).</summary>
public sealed class StaffApiException(HttpMethod method, string path, HttpStatusCode status, string body)
    : Exception($"{method} {path} → {(int)status} {status}: {Shorten(body)}")
{
    public HttpStatusCode Status { get; } = status;

    private static string Shorten(string body) => body.Length <= 500 ? body : body[..500] + "…";
}
