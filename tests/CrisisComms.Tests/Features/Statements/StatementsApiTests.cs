using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>Drafting through the staff API: templates, immutable revisions, conflicts, restore, facts that change underneath.</summary>
public sealed class StatementsApiTests(AppFactory app) : StatementsApiCases(app), IClassFixture<AppFactory>;

/// <summary>The same tests on PostgreSQL: revisions, the 409 on a stale or racing save, facts.</summary>
public sealed class StatementsApiOnPostgresTests(PostgresAppFactory app) : StatementsApiCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="StatementsApiTests"/>, run once per database provider.</summary>
public abstract class StatementsApiCases(AppFactory app)
{
    private const string Demo = "customer-data-breach";

    [Fact]
    public async Task A_statement_from_a_template_has_its_placeholders_filled_from_the_facts()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, revisionId) = await CreateAsync(author, new { template = "ceo-apology" });

        var statement = await GetAsync(author, id);
        Assert.Equal("ceo-apology", statement.GetProperty("kind").GetString());
        Assert.Equal("public", statement.GetProperty("audience").GetString());
        Assert.Equal("draft", statement.GetProperty("state").GetString());
        Assert.Equal(revisionId, statement.GetProperty("currentRevisionId").GetString());
        var revision = statement.GetProperty("revisions")[0];
        Assert.Equal(1, revision.GetProperty("number").GetInt32());
        Assert.Contains("6,000,000", revision.GetProperty("html").GetString());
        Assert.Contains("Morgan Lee", revision.GetProperty("html").GetString());
        Assert.DoesNotContain("{{", revision.GetProperty("html").GetString());
        Assert.Contains("{{ facts.affected_count }}", revision.GetProperty("body").GetString()); // the source keeps its placeholders
        Assert.Matches("^[0-9a-f]{64}$", revision.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Saving_makes_a_new_immutable_revision_and_the_diff_marks_the_change()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "holding-statement", audience = "public", title = "Update on {{ incident.title }}", body = "We are investigating. About {{ facts.affected_count }} customers." });

        var saved = await SaveAsync(author, id, "Update on {{ incident.title }}", "We are still investigating. About {{ facts.affected_count }} customers.", first);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var second = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revisionId").GetString()!;

        var statement = await GetAsync(author, id);
        var revisions = statement.GetProperty("revisions");
        Assert.Equal(2, revisions.GetArrayLength());
        Assert.Equal("We are investigating. About {{ facts.affected_count }} customers.", revisions[1].GetProperty("body").GetString());
        Assert.NotEqual(revisions[0].GetProperty("hash").GetString(), revisions[1].GetProperty("hash").GetString());

        var diff = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}/diff?from={first}&to={second}");
        var changes = diff.GetProperty("segments").EnumerateArray().Where(s => s.GetProperty("kind").GetString() != "equal")
            .Select(s => (Kind: s.GetProperty("kind").GetString(), Text: s.GetProperty("text").GetString()!)).ToList();
        // Exactly the added word is marked, nothing else.
        Assert.Equal("inserted", Assert.Single(changes).Kind);
        Assert.Equal("still", changes[0].Text.Trim());
    }

    [Fact]
    public async Task Saving_unchanged_text_makes_no_new_revision()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "FAQ", body = "Q?" });
        var saved = await SaveAsync(author, id, "FAQ", "Q?", first);
        Assert.Equal(first, (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revisionId").GetString());
        Assert.Equal(1, (await GetAsync(author, id)).GetProperty("revisions").GetArrayLength());
    }

    [Fact]
    public async Task A_save_from_a_stale_base_is_a_409_showing_the_other_change_and_overwrites_nothing()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "sms", audience = "customers", title = "SMS", body = "Call {{ facts.customer_hotline }}." });
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(author, id, "SMS", "Please call {{ facts.customer_hotline }}.", first)).StatusCode);

        var stale = await SaveAsync(author, id, "SMS", "Ring {{ facts.customer_hotline }}.", first);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Someone else saved revision 2", problem.GetProperty("detail").GetString());
        Assert.Contains(problem.GetProperty("diff").EnumerateArray(), s => s.GetProperty("kind").GetString() == "inserted" && s.GetProperty("text").GetString()!.Contains("Please"));
        var revisions = (await GetAsync(author, id)).GetProperty("revisions");
        Assert.Equal(2, revisions.GetArrayLength());
        Assert.Equal("Please call {{ facts.customer_hotline }}.", revisions[0].GetProperty("body").GetString());
    }

    [Fact]
    public async Task Two_people_saving_from_the_same_base_at_once_one_wins_and_the_other_gets_409()
    {
        using var a = await app.ClientForAsync("author@demo.local");
        using var b = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(a, new { kind = "faq", audience = "public", title = "FAQ", body = "Start" });

        var results = await Task.WhenAll(
            SaveAsync(a, id, "FAQ", "Edit by A", first),
            SaveAsync(b, id, "FAQ", "Edit by B", first),
            SaveAsync(a, id, "FAQ", "Edit by A2", first));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(2, (await GetAsync(a, id)).GetProperty("revisions").GetArrayLength());
    }

    public static TheoryData<string, string, string, string> BadSaves => new()
    {
        { "", "Body", "title", "Title is required." },
        { new string('t', 201), "Body", "title", "the limit is 200" },
        { "Title", "Line one\nLine two {{ facts.no_such_fact }}", "body", "line 2: \"facts.no_such_fact\" is not a placeholder" },
        { "Title", "{% if true %}never closed", "body", "malformed" },
        { "Title {{ nothing_here }}", "Body", "title", "\"nothing_here\" is not a placeholder" },
        { "Title", new string('x', 100 * 1024 + 1), "body", "the limit is 100 KB" },
    };

    [Theory]
    [MemberData(nameof(BadSaves))]
    public async Task Bad_edits_are_400_naming_the_field_and_line_and_lose_nothing(string title, string body, string field, string message)
    {
        // Over a size budget is 413 (too large); everything else wrong with the text is 400.
        var expected = message.Contains("the limit is 200") || message.Contains("the limit is 100 KB") ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest;
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "Keep me", body = "Saved text" });

        var response = await SaveAsync(author, id, title, body, first);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains((await ProblemJson.ReadAsync(response)).Errors![field], m => m.Contains(message));
        var revisions = (await GetAsync(author, id)).GetProperty("revisions");
        Assert.Equal(1, revisions.GetArrayLength());
        Assert.Equal("Saved text", revisions[0].GetProperty("body").GetString());
    }

    [Fact]
    public async Task Script_in_the_title_or_body_never_becomes_markup()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, _) = await CreateAsync(author, new
        {
            kind = "faq", audience = "public", title = "<script>alert(1)</script>",
            body = "<script>alert(2)</script>\n\n[click](javascript:alert(3))\n\n<img src=x onerror=alert(4)>",
        });
        var revision = (await GetAsync(author, id)).GetProperty("revisions")[0];
        var html = revision.GetProperty("html").GetString()!;

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Equal("<script>alert(1)</script>", revision.GetProperty("title").GetString()); // text, escaped wherever it is shown
    }

    [Fact]
    public async Task When_a_used_fact_changes_the_statement_is_flagged_and_re_rendering_makes_a_revision_with_the_new_value()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var incident = (await (await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Drift " + Guid.NewGuid().ToString("n")[..6], severity = "major" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/affected_count", new { label = "Customers affected", value = 6000000 });
        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/unused", new { label = "Unused", value = "a" });
        var (id, first) = await CreateAsync(author, new { kind = "holding-statement", audience = "public", title = "Update", body = "{{ facts.affected_count }} customers." }, incident);

        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/unused", new { value = "b" });
        Assert.Equal(0, (await GetAsync(author, id)).GetProperty("factsChanged").GetArrayLength());

        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{incident}/facts/affected_count", new { value = 6500000 });
        var flagged = (await GetAsync(author, id)).GetProperty("factsChanged");
        Assert.Equal(1, flagged.GetArrayLength());
        Assert.Equal(("affected_count", "6,000,000", "6,500,000"), (flagged[0].GetProperty("key").GetString(), flagged[0].GetProperty("old").GetString(), flagged[0].GetProperty("new").GetString()));
        var list = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{incident}/statements");
        Assert.True(list[0].GetProperty("factsChanged").GetBoolean());

        var rerender = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/rerender", new { baseRevisionId = first });
        Assert.Equal(HttpStatusCode.OK, rerender.StatusCode);
        var after = await GetAsync(author, id);
        Assert.Equal(0, after.GetProperty("factsChanged").GetArrayLength());
        Assert.Contains("6,500,000", after.GetProperty("revisions")[0].GetProperty("html").GetString());
        Assert.Contains("6,000,000", after.GetProperty("revisions")[1].GetProperty("html").GetString()); // the old revision is untouched
    }

    [Fact]
    public async Task Restoring_an_old_revision_makes_a_new_revision_with_its_text()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "FAQ", body = "Version one" });
        var second = (await (await SaveAsync(author, id, "FAQ", "Version two", first)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revisionId").GetString();

        var restored = await author.PostAsJsonAsync($"/api/staff/v1/statements/{id}/restore", new { revisionId = first, baseRevisionId = second });

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var revisions = (await GetAsync(author, id)).GetProperty("revisions");
        Assert.Equal(3, revisions.GetArrayLength());
        Assert.Equal("Version one", revisions[0].GetProperty("body").GetString());
        Assert.Equal("restored from revision 1", revisions[0].GetProperty("note").GetString());
    }

    [Fact]
    public async Task Creating_needs_a_known_template_or_a_kind_and_audience()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        async Task<ProblemJson> Bad(object body)
        {
            var r = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/statements", body);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            return await ProblemJson.ReadAsync(r);
        }
        Assert.Contains("no template \"nope\"", (await Bad(new { template = "nope" })).Errors!["template"][0]);
        Assert.Contains("Kind is required", (await Bad(new { audience = "public", title = "t" })).Errors!["kind"][0]);
        Assert.Contains("\"tweet\" is not a kind", (await Bad(new { kind = "tweet", audience = "public", title = "t" })).Errors!["kind"][0]);
        Assert.Contains("\"everyone\" is not an audience", (await Bad(new { kind = "faq", audience = "everyone", title = "t" })).Errors!["audience"][0]);
    }

    [Fact]
    public async Task Reviewers_read_statements_but_cannot_write_them()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var (id, first) = await CreateAsync(author, new { kind = "faq", audience = "public", title = "FAQ", body = "Text" });

        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/api/staff/v1/statements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SaveAsync(reviewer, id, "FAQ", "Changed", first)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync($"/api/staff/v1/incidents/{Demo}/statements", new { template = "faq" })).StatusCode);
    }

    [Fact]
    public async Task The_template_list_names_every_kind()
    {
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var templates = await reviewer.GetFromJsonAsync<JsonElement>("/api/staff/v1/templates");
        var kinds = templates.EnumerateArray().Select(t => t.GetProperty("kind").GetString()).ToHashSet();
        foreach (var kind in new[] { "holding-statement", "ceo-apology", "police-contact-notice", "customer-notice", "media-release", "regulator-notice", "gdpr-notice", "faq", "staff-briefing", "social-post", "sms" })
            Assert.Contains(kind, kinds);
    }

    private static async Task<(string Id, string RevisionId)> CreateAsync(HttpClient client, object body, string? incident = null)
    {
        var response = await client.PostAsJsonAsync($"/api/staff/v1/incidents/{incident ?? Demo}/statements", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetString()!, json.GetProperty("revisionId").GetString()!);
    }

    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string id, string title, string body, string baseRevisionId) =>
        client.PutAsJsonAsync($"/api/staff/v1/statements/{id}", new { title, body, baseRevisionId });

    private static Task<JsonElement> GetAsync(HttpClient client, string id) => client.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}");
}
