using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.Incidents;

/// <summary>Incidents and fact sheets through the staff API, with the same rules as the UI.</summary>
public sealed class IncidentsApiTests(AppFactory app) : IncidentsApiCases(app), IClassFixture<AppFactory>;

/// <summary>The same tests on PostgreSQL: slugs, the version token's 409, filters, facts.</summary>
public sealed class IncidentsApiOnPostgresTests(PostgresAppFactory app) : IncidentsApiCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="IncidentsApiTests"/>, run once per database provider.</summary>
public abstract class IncidentsApiCases(AppFactory app)
{
    [Fact]
    public async Task An_author_opens_an_incident_and_gets_a_unique_slug_from_its_title()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var first = await CreateAsync(author, new { title = "Payment outage: Card Processing!", summary = "Cards fail.", severity = "major", status = "investigating", isPublic = false });
        var second = await CreateAsync(author, new { title = "Payment outage: card processing", severity = "minor" });

        Assert.Equal("payment-outage-card-processing", first.GetProperty("slug").GetString());
        Assert.Equal("payment-outage-card-processing-2", second.GetProperty("slug").GetString());

        var fetched = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{first.GetProperty("id").GetString()}");
        Assert.Equal("major", fetched.GetProperty("severity").GetString());
        Assert.Equal("investigating", fetched.GetProperty("status").GetString());
        Assert.False(fetched.GetProperty("isPublic").GetBoolean());
    }

    [Theory]
    [InlineData("reviewer@demo.local")]
    [InlineData("approver@demo.local")]
    [InlineData("admin@demo.local")]
    public async Task Only_authors_change_incidents_but_every_staff_role_reads_them(string email)
    {
        using var client = await app.ClientForAsync(email);
        var create = await client.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Nope", severity = "minor" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/staff/v1/incidents/customer-data-breach")).StatusCode);
        var fact = await client.PutAsJsonAsync("/api/staff/v1/incidents/customer-data-breach/facts/affected_count", new { value = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, fact.StatusCode);
    }

    public static TheoryData<object, string, string> BadIncidents => new()
    {
        { new { severity = "minor" }, "title", "Title is required." },
        { new { title = "   ", severity = "minor" }, "title", "Title is required." },
        { new { title = new string('t', 201), severity = "minor" }, "title", "at most 200" },
        { new { title = "x" }, "severity", "Severity is required" },
        { new { title = "x", severity = "apocalyptic" }, "severity", "\"apocalyptic\" is not a valid severity" },
        { new { title = "x", severity = "minor", status = "panicking" }, "status", "is not a valid status" },
        { new { title = "x", severity = "minor", slug = "Not A Slug!" }, "slug", "is not a valid slug" },
        { new { title = "x", severity = "minor", slug = "customer-data-breach" }, "slug", "already used" },
        { new { title = "x", severity = "minor", nextUpdateDue = "tomorrow" }, "nextUpdateDue", "ISO 8601" },
        { new { title = "x", severity = "minor", nextUpdateDue = "2026-11-24T16:00:00" }, "nextUpdateDue", "with an offset" },
        { new { title = "x", severity = "minor", detectedAt = "2026-11-24T16:00:00Z", awareAt = "2026-11-24T15:00:00Z" }, "awareAt", "before the incident was detected" },
        { new { title = "x", severity = "minor", isPublic = "yes" }, "isPublic", "true or false" },
    };

    [Theory]
    [MemberData(nameof(BadIncidents))]
    public async Task Bad_incident_input_is_400_naming_the_field_and_nothing_is_saved(object body, string field, string message)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var before = (await author.GetFromJsonAsync<JsonElement>("/api/staff/v1/incidents")).GetArrayLength();

        var response = await author.PostAsJsonAsync("/api/staff/v1/incidents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await ProblemJson.ReadAsync(response)).Errors![field], m => m.Contains(message));
        Assert.Equal(before, (await author.GetFromJsonAsync<JsonElement>("/api/staff/v1/incidents")).GetArrayLength());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_a_stale_version_is_a_409()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await CreateAsync(author, new { title = "Website slow", summary = "Pages load slowly.", severity = "minor", nextUpdateDue = "2099-11-24T16:00:00+11:00" });
        var id = created.GetProperty("id").GetString();

        var patched = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { status = "identified", version = 0 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("identified", body.GetProperty("status").GetString());
        Assert.Equal("Pages load slowly.", body.GetProperty("summary").GetString());
        Assert.Equal(new DateTimeOffset(2099, 11, 24, 5, 0, 0, TimeSpan.Zero), body.GetProperty("nextUpdateDue").GetDateTimeOffset());

        var stale = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { title = "Old view", version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var cleared = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { nextUpdateDue = (string?)null });
        Assert.Equal(JsonValueKind.Null, (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextUpdateDue").ValueKind);
    }

    [Fact]
    public async Task Filters_find_incidents_by_status_severity_and_text()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var marker = Guid.NewGuid().ToString("n")[..8];
        await CreateAsync(author, new { title = $"Baggage system {marker}", severity = "critical", status = "monitoring" });
        await CreateAsync(author, new { title = $"Lounge wifi {marker}", severity = "minor", status = "monitoring" });

        var critical = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents?severity=critical&status=monitoring&q={marker}");
        Assert.Equal([$"Baggage system {marker}"], critical.EnumerateArray().Select(i => i.GetProperty("title").GetString()));
        var byText = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents?q={marker.ToUpperInvariant()}");
        Assert.Equal(2, byText.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await author.GetAsync("/api/staff/v1/incidents?severity=huge")).StatusCode);
    }

    [Fact]
    public async Task Facts_are_typed_formatted_in_the_locale_and_every_change_is_kept()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var id = (await CreateAsync(author, new { title = "Fact test", severity = "minor" })).GetProperty("id").GetString();
        var url = $"/api/staff/v1/incidents/{id}/facts/affected_count";

        var first = await author.PutAsJsonAsync(url, new { label = "Customers affected", value = 6000000 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("6,000,000", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("display").GetString());
        await author.PutAsJsonAsync(url, new { value = "6,100,000" });

        var wrongType = await author.PutAsJsonAsync(url, new { value = "about six million" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("is not a number", (await ProblemJson.ReadAsync(wrongType)).Errors!["value"][0]);

        var history = await author.GetFromJsonAsync<JsonElement>(url + "/history");
        Assert.Equal(["6100000", "6000000"], history.EnumerateArray().Select(h => h.GetProperty("newValue").GetString()));
        Assert.Equal("6000000", history[0].GetProperty("oldValue").GetString());
        Assert.Equal("author@demo.local", history[0].GetProperty("by").GetString());

        var list = await author.PutAsJsonAsync($"/api/staff/v1/incidents/{id}/facts/data_categories", new { label = "Data", value = new[] { "names", "emails", "phone numbers" } });
        Assert.Equal("names, emails and phone numbers", (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("display").GetString());
    }

    public static TheoryData<string, object, string, string> BadFacts => new()
    {
        { "Bad-Key", new { label = "L", value = "v" }, "key", "is not a fact key" },
        { "ok_key", new { value = "v" }, "label", "Label is required" },
        { "ok_email", new { label = "L", type = "email", value = "not-an-email" }, "value", "not a valid email address" },
        { "ok_url", new { label = "L", type = "url", value = "javascript:alert(1)" }, "value", "https://" },
        { "ok_phone", new { label = "L", type = "phone", value = "call me" }, "value", "not a phone number" },
        { "ok_time", new { label = "L", type = "date-time", value = "next tuesday" }, "value", "not a date and time" },
        { "ok_type", new { label = "L", type = "colour", value = "red" }, "type", "not a valid type" },
        { "ok_long", new { label = "L", value = new string('x', 4001) }, "value", "at most 4000" },
    };

    [Theory]
    [MemberData(nameof(BadFacts))]
    public async Task Bad_facts_are_400_naming_the_field(string key, object body, string field, string message)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var response = await author.PutAsJsonAsync($"/api/staff/v1/incidents/customer-data-breach/facts/{key}", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await ProblemJson.ReadAsync(response)).Errors![field], m => m.Contains(message));
    }

    [Fact]
    public async Task Markup_in_a_fact_or_title_is_kept_as_text()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await CreateAsync(author, new { title = "<script>alert(1)</script>", severity = "minor" });
        var id = created.GetProperty("id").GetString();
        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{id}/facts/evil", new { label = "<img src=x onerror=alert(1)>", value = "<script>alert(2)</script>" });

        var fetched = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{id}");
        Assert.Equal("<script>alert(1)</script>", fetched.GetProperty("title").GetString());
        Assert.Equal("<script>alert(2)</script>", fetched.GetProperty("facts")[0].GetProperty("value").GetString());
        Assert.Equal("script-alert-1-script", created.GetProperty("slug").GetString());
    }

    [Fact]
    public async Task The_demo_incident_is_the_worked_example_with_its_facts()
    {
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var incident = await reviewer.GetFromJsonAsync<JsonElement>("/api/staff/v1/incidents/customer-data-breach");
        var facts = incident.GetProperty("facts").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("display").GetString());

        Assert.Equal("critical", incident.GetProperty("severity").GetString());
        Assert.Equal("6,000,000", facts["affected_count"]);
        Assert.Contains("dates of birth", facts["data_categories"]);
        Assert.Contains("passport details", facts["data_not_exposed"]);
        Assert.Contains("Federal Police", facts["police_agency"]);
        Assert.StartsWith("https://", facts["support_page"]);
        Assert.DoesNotContain("Qantas", incident.GetRawText());
    }

    [Fact]
    public async Task Activity_lists_what_happened_on_the_incident()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var id = (await CreateAsync(author, new { title = "Activity", severity = "minor" })).GetProperty("id").GetString();
        await author.PutAsJsonAsync($"/api/staff/v1/incidents/{id}/facts/hotline", new { label = "Hotline", type = "phone", value = "1800 160 401" });
        await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { status = "resolved" });

        var activity = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{id}/activity");
        Assert.Equal(["incident.updated", "fact.added", "incident.created"], activity.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/staff/v1/incidents", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
