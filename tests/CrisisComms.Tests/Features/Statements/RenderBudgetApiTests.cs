using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// The hostile-input suite for text that is rendered: each payload class sent to every route that renders text
/// (preview, create, save, comment) is answered 400/413 with a problem naming the field and the limit, the process
/// still answers /healthz, and nothing already saved changes.
/// </summary>
public sealed class RenderBudgetApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Demo = "customer-data-breach";

    public static TheoryData<string> Payloads => [.. HostilePayloads.RefusedBodies.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_hostile_body_is_refused_on_every_rendering_route_and_loses_nothing(string name)
    {
        var payload = HostilePayloads.RefusedBodies.Single(p => p.Name == name);
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, "Holding statement", "We are investigating.");
        var before = await author.GetStringAsync($"/api/staff/v1/statements/{id}");
        var statementsBefore = (await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{Demo}/statements")).GetArrayLength();

        var preview = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/preview", new { kind = "holding-statement", title = "T", body = payload.Body });
        await AssertRefusedAsync(preview, payload.Status, "body");

        var create = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/statements", new { kind = "holding-statement", audience = "public", title = "T", body = payload.Body });
        await AssertRefusedAsync(create, payload.Status, "body");

        var save = await author.PutAsJsonAsync($"/api/staff/v1/statements/{id}", new { title = "Holding statement", body = payload.Body, baseRevisionId = first });
        await AssertRefusedAsync(save, payload.Status, "body");

        // A comment is Markdown only: Liquid in it is plain text, so a Liquid payload may be accepted as a comment; a refusal stores nothing.
        var comment = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/comments", new { body = payload.Body });
        var commentRefused = comment.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge;
        Assert.True(commentRefused || (comment.StatusCode == HttpStatusCode.OK && payload.Name.StartsWith("liquid-", StringComparison.Ordinal)), $"comment: {(int)comment.StatusCode}");
        if (commentRefused) Assert.Equal("application/problem+json", comment.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, (await author.GetAsync("/healthz")).StatusCode);
        Assert.Equal(before, await author.GetStringAsync($"/api/staff/v1/statements/{id}"));
        Assert.Equal(commentRefused ? 0 : 1, (await author.GetFromJsonAsync<JsonElement[]>($"/api/staff/v1/statements/{id}/comments"))!.Length);
        Assert.Equal(statementsBefore, (await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{Demo}/statements")).GetArrayLength());
    }

    [Fact]
    public async Task A_title_over_its_size_is_413_naming_the_title_and_its_limit()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, "Short title", "Body");

        var save = await author.PutAsJsonAsync($"/api/staff/v1/statements/{id}", new { title = new string('T', 5000), body = "Body", baseRevisionId = first });

        var problem = await AssertRefusedAsync(save, 413, "title");
        Assert.Contains("200", problem.Errors!["title"][0]);
    }

    [Fact]
    public async Task A_hostile_fact_value_is_stored_as_text_and_a_statement_using_it_is_refused_not_fatal()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = await CreateIncidentAsync(author);
        var hostile = new string('>', 3990) + " x";
        var put = await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/notes", new { label = "Notes", value = hostile });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var preview = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{incident}/preview", new { kind = "faq", title = "T", body = "{{ facts.notes }}" });

        var problem = await AssertRefusedAsync(preview, 400, "body");
        Assert.Contains("quotes or lists", problem.Errors!["body"][0]);
        Assert.Equal(HttpStatusCode.OK, (await author.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_withdrawal_reason_over_its_size_is_413_and_the_statement_stays_as_it_was()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, _) = await CreateAsync(author, "To withdraw", "Body");

        var withdraw = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/withdraw", new { reason = new string('r', 5000) });

        var problem = await AssertRefusedAsync(withdraw, 413, "reason");
        Assert.Contains("500", problem.Errors!["reason"][0]);
        Assert.Equal("draft", (await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_api_body_over_the_request_limit_is_413_before_it_is_read_and_creates_nothing()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var before = (await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{Demo}/statements")).GetArrayLength();
        var huge = JsonSerializer.Serialize(new { kind = "faq", audience = "public", title = "T", body = new string('a', 2 * 1024 * 1024) });

        var response = await author.PostAsync($"/api/staff/v1/incidents/{Demo}/statements", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains("ApiLimits:MaxRequestBodyBytes", problem.Detail);
        Assert.Contains("1,048,576", problem.Detail);
        Assert.Equal(before, (await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{Demo}/statements")).GetArrayLength());
    }

    private static async Task<ProblemJson> AssertRefusedAsync(HttpResponseMessage response, int status, string field)
    {
        Assert.True((int)response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var problem = await ProblemJson.ReadAsync(response);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(field), $"the problem names {string.Join(", ", problem.Errors.Keys)}, not {field}");
        Assert.Matches("limit|more than|longer than", string.Join(" ", problem.Errors[field]));
        return problem;
    }

    private static async Task<(string Id, string RevisionId)> CreateAsync(HttpClient client, string title, string body)
    {
        var response = await client.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/statements", new { kind = "holding-statement", audience = "public", title, body });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetString()!, json.GetProperty("revisionId").GetString()!);
    }

    private static async Task<string> CreateIncidentAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Budget test " + Guid.NewGuid().ToString("n")[..8], summary = "s", severity = "minor", status = "investigating", isPublic = false });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}

/// <summary>Previews are rate-limited per person: one author's burst is refused with 429 while another author is unaffected.</summary>
public sealed class PreviewRateLimitTests(PreviewRateLimitTests.Factory app) : IClassFixture<PreviewRateLimitTests.Factory>
{
    public sealed class Factory() : AppFactory(new Dictionary<string, string?> { ["Rendering:PreviewBurst"] = "3", ["Rendering:PreviewsPerSecond"] = "1" }, postgres: null);

    [Fact]
    public async Task One_persons_burst_of_previews_is_429_with_retry_after_and_another_person_is_unaffected()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var body = new { kind = "faq", title = "T", body = "Hello" };

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++) answers.Add(await author.PostAsJsonAsync("/api/staff/v1/incidents/customer-data-breach/preview", body));

        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        var limited = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("Too many previews", (await ProblemJson.ReadAsync(limited)).Detail);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync("/api/staff/v1/incidents/customer-data-breach/preview", body)).StatusCode);
    }
}
