using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// Corrections through the staff API: a published statement never changes; a correction is a new
/// statement that supersedes it, on the same incident, for an audience that hears it too.
/// </summary>
public sealed class CorrectionsApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Demo = "customer-data-breach";

    [Fact]
    public async Task A_correction_supersedes_the_published_statement_which_stays_exactly_as_published_and_lists_it()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author, title: "Hotline hours", body: "Call us 9am to 5pm.");
        var before = await GetAsync(author, original);

        var (correction, _) = await CreateAsync(author, new { kind = "faq", audience = "customers", title = "Hotline hours (corrected)", body = "Call us 8am to 8pm.", supersedes = original });

        var created = await GetAsync(author, correction);
        Assert.Equal("draft", created.GetProperty("state").GetString());
        Assert.Equal(original, created.GetProperty("supersedes").GetString());
        Assert.Equal(0, created.GetProperty("supersededBy").GetArrayLength());

        var after = await GetAsync(author, original);
        Assert.Equal("published", after.GetProperty("state").GetString());
        Assert.Equal([correction], SupersededBy(after));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("supersedes").ValueKind);
        // Nothing of what was published moved.
        Assert.Equal(before.GetProperty("revisions").GetRawText(), after.GetProperty("revisions").GetRawText());
        Assert.Equal(before.GetProperty("publications").GetRawText(), after.GetProperty("publications").GetRawText());
    }

    [Fact]
    public async Task A_published_statement_can_be_corrected_more_than_once_and_the_corrections_are_listed_oldest_first()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author);
        var (first, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "First correction", body = "A", supersedes = original });
        await PublishAsync(author, first);
        var (second, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Second correction", body = "B", supersedes = original });

        Assert.Equal([first, second], SupersededBy(await GetAsync(author, original)));
        // A published correction can itself be corrected.
        var (third, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Correcting the correction", body = "C", supersedes = first });
        Assert.Equal(first, (await GetAsync(author, third)).GetProperty("supersedes").GetString());
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("in-review")]
    [InlineData("withdrawn")]
    public async Task Only_a_published_statement_can_be_corrected(string state)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (target, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Not out yet", body = "Text" });
        if (state == "in-review") await SubmitAsync(author, target);
        if (state == "withdrawn") Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsJsonAsync($"/api/staff/v1/statements/{target}/withdraw", new { reason = "test" })).StatusCode);
        var countBefore = await CountAsync(author, Demo);

        var problem = await RefusedAsync(author, new { kind = "faq", audience = "public", title = "Correction", body = "Text", supersedes = target });

        Assert.Contains($"only a published statement can be corrected; this one is {state}", problem.Errors!["supersedes"][0], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(countBefore, await CountAsync(author, Demo));
        Assert.Equal(0, (await GetAsync(author, target)).GetProperty("supersededBy").GetArrayLength());
    }

    [Fact]
    public async Task A_correction_must_be_on_the_same_incident_as_the_statement_it_corrects()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author);
        var other = (await (await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Other " + Guid.NewGuid().ToString("n")[..6], severity = "minor" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var problem = await RefusedAsync(author, new { kind = "faq", audience = "public", title = "Correction", body = "Text", supersedes = original }, other);

        Assert.Contains("belongs to a different incident", problem.Errors!["supersedes"][0]);
        Assert.Equal(0, await CountAsync(author, other));
    }

    [Fact]
    public async Task An_unknown_statement_cannot_be_corrected()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var unknown = Guid.NewGuid();

        var problem = await RefusedAsync(author, new { kind = "faq", audience = "public", title = "Correction", body = "Text", supersedes = unknown });

        Assert.Contains($"no statement {unknown}", problem.Errors!["supersedes"][0]);
        Assert.Equal(HttpStatusCode.NotFound, (await author.PostAsync($"/api/staff/v1/statements/{unknown}/correction", null)).StatusCode);
    }

    [Fact]
    public async Task A_statement_cannot_correct_itself()
    {
        // The server gives a new statement its id, and supersedes is fixed when the statement is
        // created: an edit naming the statement itself changes nothing…
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "FAQ", body = "Text" });
        var saved = await author.PutAsJsonAsync($"/api/staff/v1/statements/{id}", new { title = "FAQ", body = "Edited", baseRevisionId = first, supersedes = id });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await GetAsync(author, id)).GetProperty("supersedes").ValueKind);

        // …and the rule itself refuses it, naming the field.
        var self = Guid.NewGuid();
        var target = new Statement { Id = self, IncidentId = Guid.NewGuid(), State = StatementState.Published, Audience = Audience.Public };
        var problem = Assert.Single(StatementService.CorrectionProblems(self, self, target, target.IncidentId, Audience.Public));
        Assert.Equal(("supersedes", "A statement cannot correct itself."), problem);
    }

    [Theory]
    [InlineData("public", "staff")]
    [InlineData("customers", "regulator")]
    [InlineData("media", "staff")]
    public async Task What_went_to_an_outside_audience_cannot_be_corrected_only_internally(string originalAudience, string correctionAudience)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author, audience: originalAudience);

        var problem = await RefusedAsync(author, new { kind = "faq", audience = correctionAudience, title = "Correction", body = "Text", supersedes = original });

        Assert.Contains($"went to {originalAudience}", problem.Errors!["audience"][0]);
        Assert.False(problem.Errors.ContainsKey("supersedes"));
        Assert.Equal(0, (await GetAsync(author, original)).GetProperty("supersededBy").GetArrayLength());
    }

    [Fact]
    public async Task An_internal_statement_may_be_corrected_for_any_audience()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author, audience: "staff");

        var (correction, _) = await CreateAsync(author, new { kind = "faq", audience = "regulator", title = "Correction", body = "Text", supersedes = original });

        Assert.Equal(original, (await GetAsync(author, correction)).GetProperty("supersedes").GetString());
    }

    [Fact]
    public async Task Only_authors_can_write_corrections_though_everyone_on_staff_sees_them()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        using var admin = await app.ClientForAsync("admin@demo.local");
        var original = await PublishedAsync(author);
        var countBefore = await CountAsync(author, Demo);

        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/statements",
            new { kind = "faq", audience = "public", title = "Correction", body = "Text", supersedes = original })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsync($"/api/staff/v1/statements/{original}/correction", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync($"/api/staff/v1/statements/{original}/correction", null)).StatusCode);
        Assert.Equal(countBefore, await CountAsync(author, Demo));

        var (correction, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Correction", body = "Text", supersedes = original });
        var seen = await reviewer.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{original}");
        Assert.Equal([correction], SupersededBy(seen));
    }

    [Fact]
    public async Task The_audit_trail_says_which_statement_a_correction_corrects()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author, title: "Flights operate as normal");

        var (correction, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Some flights are delayed", body = "Text", supersedes = original });

        using var admin = await app.ClientForAsync("admin@demo.local"); // authors do not read the audit trail
        var entries = await admin.GetFromJsonAsync<JsonElement>($"/api/staff/v1/audit?statementId={correction}&action=statement.created");
        var summary = Assert.Single(entries.EnumerateArray()).GetProperty("summary").GetString();
        Assert.Contains("\"Some flights are delayed\"", summary);
        Assert.EndsWith($"correcting statement {original} \"Flights operate as normal\"", summary);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/staff/v1/audit/verify")).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task The_correction_endpoint_starts_a_draft_with_the_originals_kind_audience_and_text()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var original = await PublishedAsync(author, audience: "customers", title: "About {{ facts.affected_count }} customers", body: "We wrote to **{{ facts.affected_count }}** customers.");

        var response = await author.PostAsync($"/api/staff/v1/statements/{original}/correction", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = json.GetProperty("id").GetString()!;
        Assert.EndsWith($"/api/staff/v1/statements/{id}", response.Headers.Location!.ToString());
        var correction = await GetAsync(author, id);
        Assert.Equal(json.GetProperty("revisionId").GetString(), correction.GetProperty("currentRevisionId").GetString());
        Assert.Equal(("faq", "customers", "draft"), (correction.GetProperty("kind").GetString(), correction.GetProperty("audience").GetString(), correction.GetProperty("state").GetString()));
        Assert.Equal(original, correction.GetProperty("supersedes").GetString());
        var revision = Assert.Single(correction.GetProperty("revisions").EnumerateArray());
        Assert.Equal("Correction: About {{ facts.affected_count }} customers", revision.GetProperty("titleSource").GetString());
        Assert.Equal("Correction: About 6,000,000 customers", revision.GetProperty("title").GetString());
        Assert.Equal("We wrote to **{{ facts.affected_count }}** customers.", revision.GetProperty("body").GetString());
        Assert.Equal([id], SupersededBy(await GetAsync(author, original)));

        // The correction goes through sign-off and publishing like any statement; the original stays published.
        await PublishAsync(author, id);
        Assert.Equal("published", (await GetAsync(author, id)).GetProperty("state").GetString());
        Assert.Equal("published", (await GetAsync(author, original)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_correction_endpoint_refuses_an_unpublished_statement_with_the_reason()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (draft, _) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Draft", body = "Text" });

        var response = await author.PostAsync($"/api/staff/v1/statements/{draft}/correction", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("this one is draft", (await ProblemJson.ReadAsync(response)).Errors!["supersedes"][0]);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_correction_endpoint_and_fields()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var doc = await author.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/staff/v1/statements/{id}/correction", doc);
        Assert.Contains("\"supersededBy\"", doc);
        Assert.Contains("\"supersedes\"", doc);
    }

    private async Task<string> PublishedAsync(HttpClient author, string audience = "public", string? title = null, string body = "Text as published.")
    {
        var (id, _) = await CreateAsync(author, new { kind = "faq", audience, title = title ?? "Published " + Guid.NewGuid().ToString("n")[..6], body });
        await PublishAsync(author, id);
        return id;
    }

    /// <summary>Submit, have the reviewer approve (an FAQ needs only legal), publish now.</summary>
    private async Task PublishAsync(HttpClient author, string id)
    {
        await SubmitAsync(author, id);
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var revision = (await GetAsync(author, id)).GetProperty("currentRevisionId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions", new { revisionId = revision, decision = "approve" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await author.PostAsync($"/api/staff/v1/statements/{id}/publish", null)).StatusCode);
        Assert.Equal("published", (await GetAsync(author, id)).GetProperty("state").GetString());
    }

    private static async Task SubmitAsync(HttpClient author, string id) =>
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsync($"/api/staff/v1/statements/{id}/submit", null)).StatusCode);

    private static async Task<(string Id, string RevisionId)> CreateAsync(HttpClient client, object body, string? incident = null)
    {
        var response = await client.PostAsJsonAsync($"/api/staff/v1/incidents/{incident ?? Demo}/statements", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetString()!, json.GetProperty("revisionId").GetString()!);
    }

    private static async Task<ProblemJson> RefusedAsync(HttpClient client, object body, string? incident = null)
    {
        var response = await client.PostAsJsonAsync($"/api/staff/v1/incidents/{incident ?? Demo}/statements", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await ProblemJson.ReadAsync(response);
    }

    private static async Task<int> CountAsync(HttpClient client, string incident) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{incident}/statements")).GetArrayLength();

    private static string[] SupersededBy(JsonElement statement) =>
        statement.GetProperty("supersededBy").EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static Task<JsonElement> GetAsync(HttpClient client, string id) => client.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}");
}
