using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Approvals;

/// <summary>Safe sign-off through the staff API: changed facts must be acknowledged, creates survive retries, drafts can be discarded.</summary>
public sealed class SafeSignOffApiTests(AppFactory app) : SafeSignOffApiCases(app), IClassFixture<AppFactory>;

/// <summary>The same on PostgreSQL, where racing requests really run at once.</summary>
public sealed class SafeSignOffApiOnPostgresTests(PostgresAppFactory app) : SafeSignOffApiCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="SafeSignOffApiTests"/>, run once per database provider.</summary>
public abstract class SafeSignOffApiCases(AppFactory app)
{
    private readonly SignOffScenario _s = new(app);

    [Fact]
    public async Task Approving_a_revision_whose_facts_changed_is_409_naming_them_until_acknowledged_and_the_acknowledgement_is_audited()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var incident = await NewIncidentAsync(author);
        await SetFactAsync(author, incident, "people_affected", "People affected", "1200");
        var (id, revision) = await CreateAsync(author, incident, new { kind = "faq", audience = "public", title = "FAQ", body = "About {{ facts.people_affected }} people are affected." });
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsync($"/api/staff/v1/statements/{id}/submit", null)).StatusCode);
        await SetFactAsync(author, incident, "people_affected", "People affected", "4500");
        var auditBefore = await _s.AuditCountAsync(id);

        var refused = await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions", new { revisionId = revision, decision = "approve" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("People affected (people_affected): 1200 → 4500", problem.GetProperty("detail").GetString());
        Assert.Contains("acknowledgeFactChanges", problem.GetProperty("detail").GetString());
        var changed = Assert.Single(problem.GetProperty("changedFacts").EnumerateArray());
        Assert.Equal("people_affected", changed.GetProperty("key").GetString());
        Assert.Equal("1200", changed.GetProperty("old").GetString());
        Assert.Equal("4500", changed.GetProperty("new").GetString());
        // Nothing was recorded: no signature, no audit entry, still in review.
        Assert.Empty(await _s.ApprovalsAsync(id));
        Assert.Equal(auditBefore, await _s.AuditCountAsync(id));
        Assert.Equal(StatementState.InReview, await _s.StateAsync(id));

        var acknowledged = await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions",
            new { revisionId = revision, decision = "approve", acknowledgeFactChanges = true });

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(StatementState.Approved, await _s.StateAsync(id));
        Assert.Single(await _s.ApprovalsAsync(id));
        var entry = await LatestAuditAsync(id);
        Assert.Equal("statement.approved", entry.Action);
        Assert.Contains("acknowledged changed facts: People affected (people_affected): 1200 → 4500", entry.Summary);
        Assert.Equal(auditBefore + 1, await _s.AuditCountAsync(id));
    }

    [Fact]
    public async Task A_rejection_needs_no_acknowledgement_of_changed_facts()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var incident = await NewIncidentAsync(author);
        await SetFactAsync(author, incident, "hotline", "Hotline", "0800 111 222");
        var (id, revision) = await CreateAsync(author, incident, new { kind = "faq", audience = "public", title = "FAQ", body = "Call {{ facts.hotline }}." });
        await author.PostAsync($"/api/staff/v1/statements/{id}/submit", null);
        await SetFactAsync(author, incident, "hotline", "Hotline", "0800 999 000");

        var rejected = await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions", new { revisionId = revision, decision = "reject", comment = "The hotline changed." });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(StatementState.Draft, await _s.StateAsync(id));
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_statement_and_creates_no_second_one()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = await NewIncidentAsync(author);
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "holding-statement", audience = "public", title = "Holding " + key[..8], body = "We are looking into it." };

        var first = await PostKeyedAsync(author, incident, key, body);
        var again = await PostKeyedAsync(author, incident, key, body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await StatementsTitledAsync(body.title));

        // The same key for a different statement is refused and creates nothing.
        var different = await PostKeyedAsync(author, incident, key, body with { title = body.title + " (other)" });
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Contains("Idempotency-Key", (await ProblemJson.ReadAsync(different)).Detail);
        Assert.Equal(0, await StatementsTitledAsync(body.title + " (other)"));

        // Keys belong to the user who sent them: another author's identical key is their own request.
        var (_, otherEmail) = await app.CreateUserAsync("second-author", "Author");
        using var other = await app.ClientForAsync(otherEmail, AppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.Created, (await PostKeyedAsync(other, incident, key, body)).StatusCode);
        Assert.Equal(2, await StatementsTitledAsync(body.title));
    }

    [Fact]
    public async Task Concurrent_duplicate_requests_with_one_key_create_exactly_one_statement()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = await NewIncidentAsync(author);
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "holding-statement", audience = "public", title = "Race " + key[..8], body = "We are looking into it." };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostKeyedAsync(author, incident, key, body))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await StatementsTitledAsync(body.title));
        Assert.Equal(1, await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().AuditEntries
            .CountAsync(a => a.Action == "statement.created" && a.EntityId == ids[0])));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("has space")]
    public async Task An_unusable_idempotency_key_is_400_naming_the_header_and_creates_nothing(string key)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = await NewIncidentAsync(author);
        var title = "Bad key " + Guid.NewGuid().ToString("n")[..8];

        var response = await PostKeyedAsync(author, incident, key, new { kind = "faq", audience = "public", title, body = "Q" });
        var tooLong = await PostKeyedAsync(author, incident, new string('k', 201), new { kind = "faq", audience = "public", title, body = "Q" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemJson.ReadAsync(response)).Errors!.ContainsKey("Idempotency-Key"));
        Assert.Contains("at most 200", (await ProblemJson.ReadAsync(tooLong)).Errors!["Idempotency-Key"][0]);
        Assert.Equal(0, await StatementsTitledAsync(title));
    }

    [Fact]
    public async Task A_discarded_draft_is_withdrawn_hidden_from_the_list_and_its_revisions_are_kept_and_audited()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = await NewIncidentAsync(author);
        var (id, first) = await CreateAsync(author, incident, new { kind = "faq", audience = "public", title = "Draft to bin", body = "First go." });
        var saved = await author.PutAsJsonAsync($"/api/staff/v1/statements/{id}", new { title = "Draft to bin", body = "Second go.", baseRevisionId = first });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var auditBefore = await _s.AuditCountAsync(id);

        var discarded = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/discard", new { reason = "Started on the wrong incident." });

        Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        var statement = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}");
        Assert.Equal("withdrawn", statement.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, statement.GetProperty("discardedAt").ValueKind);
        Assert.Equal(2, statement.GetProperty("revisions").GetArrayLength());
        var list = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{incident}/statements");
        Assert.DoesNotContain(list.EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
        var all = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{incident}/statements?includeDiscarded=true");
        Assert.True(all.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == id).GetProperty("discarded").GetBoolean());

        Assert.Equal(auditBefore + 1, await _s.AuditCountAsync(id));
        var entry = await LatestAuditAsync(id);
        Assert.Equal("statement.discarded", entry.Action);
        Assert.Contains("draft → withdrawn", entry.Summary);
        Assert.Contains("2 revision(s) kept", entry.Summary);
        foreach (var revision in statement.GetProperty("revisions").EnumerateArray())
            Assert.Contains(revision.GetProperty("hash").GetString()![..12], entry.Summary);
        Assert.Contains("Started on the wrong incident.", entry.Summary);

        // Gone for good: it cannot be submitted or discarded again.
        Assert.Equal(HttpStatusCode.Conflict, (await author.PostAsync($"/api/staff/v1/statements/{id}/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await author.PostAsync($"/api/staff/v1/statements/{id}/discard", null)).StatusCode);
    }

    [Theory]
    [InlineData(StatementState.Scheduled, "unschedule")]
    [InlineData(StatementState.Published, "published")]
    public async Task A_scheduled_or_published_statement_cannot_be_discarded(StatementState state, string named)
    {
        var id = await _s.StatementInAsync(state);
        var auditBefore = await _s.AuditCountAsync(id);
        using var author = await app.ClientForAsync("author@demo.local");

        var response = await author.PostAsync($"/api/staff/v1/statements/{id}/discard", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(named, (await ProblemJson.ReadAsync(response)).Detail);
        Assert.Equal(state, await _s.StateAsync(id));
        Assert.Equal(auditBefore, await _s.AuditCountAsync(id));
    }

    [Fact]
    public async Task Only_an_author_can_discard()
    {
        var id = await _s.StatementInAsync(StatementState.Draft);
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");

        var response = await reviewer.PostAsync($"/api/staff/v1/statements/{id}/discard", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(StatementState.Draft, await _s.StateAsync(id));
    }

    private static async Task<string> NewIncidentAsync(HttpClient author)
    {
        var response = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Sign-off " + Guid.NewGuid().ToString("n")[..8], severity = "minor" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task SetFactAsync(HttpClient author, string incident, string key, string label, string value)
    {
        var response = await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/{key}", new { label, value });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(Guid Id, string RevisionId)> CreateAsync(HttpClient author, string incident, object body)
    {
        var response = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{incident}/statements", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetGuid(), json.GetProperty("revisionId").GetString()!);
    }

    private static Task<HttpResponseMessage> PostKeyedAsync(HttpClient client, string incident, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/staff/v1/incidents/{incident}/statements") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private Task<int> StatementsTitledAsync(string title) => _s.Scoped(sp =>
        sp.GetRequiredService<AppDbContext>().StatementRevisions.Where(r => r.Number == 1 && r.TitleSource == title).CountAsync());

    private Task<CrisisComms.Web.Features.Audit.AuditEntry> LatestAuditAsync(Guid statementId) => _s.Scoped(sp =>
        sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().Where(a => a.EntityType == "statement" && a.EntityId == statementId.ToString())
            .OrderByDescending(a => a.Seq).FirstAsync());
}
