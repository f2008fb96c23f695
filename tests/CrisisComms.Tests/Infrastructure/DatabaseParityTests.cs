using System.Net;
using System.Text.Json;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>What a user would notice if the two databases behaved differently, on the default SQLite.</summary>
public sealed class DatabaseParityTests(AppFactory app) : DatabaseParityCases(app), IClassFixture<AppFactory>;

/// <summary>The same on PostgreSQL, whose string comparison and transactions differ from SQLite's underneath.</summary>
public sealed class DatabaseParityOnPostgresTests(PostgresAppFactory app) : DatabaseParityCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>
/// One whole flow through the staff API to the public page, and the case rules for slugs and emails: the same
/// answers whichever database Database:Provider chose.
/// </summary>
public abstract class DatabaseParityCases(AppFactory app)
{
    [Fact]
    public async Task An_incident_and_its_statement_go_from_draft_through_sign_off_to_the_public_page()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var reviewer = await app.ClientForAsync("reviewer@demo.local");
        var marker = Guid.NewGuid().ToString("n")[..8];

        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents",
            new { title = $"Check-in outage {marker}", summary = "Check-in is slow.", severity = "major", status = "investigating", isPublic = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var incident = await created.Content.ReadFromJsonAsync<JsonElement>();
        // Making it public is an Approver's sign-off.
        using (var approver = await app.ClientForAsync("approver@demo.local"))
            Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{incident.GetProperty("id").GetString()}", new { isPublic = true })).StatusCode);
        var slug = incident.GetProperty("slug").GetString()!;

        var drafted = await author.PostAsJsonAsync($"/api/staff/v1/incidents/{incident.GetProperty("id").GetString()}/statements",
            new { kind = "holding-statement", audience = "public", title = $"We are looking into check-in {marker}", body = "Check-in is slow; we are working on it." });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var statement = await drafted.Content.ReadFromJsonAsync<JsonElement>();
        var (id, revisionId) = (statement.GetProperty("id").GetString(), statement.GetProperty("revisionId").GetString());

        Assert.True((await author.PostAsync($"/api/staff/v1/statements/{id}/submit", null)).IsSuccessStatusCode);
        var approved = await reviewer.PostAsJsonAsync($"/api/staff/v1/statements/{id}/decisions", new { revisionId, decision = "approve", comment = "Fine." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await author.PostAsync($"/api/staff/v1/statements/{id}/publish", null)).StatusCode);

        var published = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/statements/{id}");
        Assert.Equal("published", published.GetProperty("state").GetString());
        var publication = Assert.Single(published.GetProperty("publications").EnumerateArray());
        Assert.Equal(published.GetProperty("revisions")[0].GetProperty("hash").GetString(), publication.GetProperty("hash").GetString());

        using var reader = app.CreateRawClient();
        var page = await reader.GetStringAsync($"/incidents/{slug}");
        Assert.Contains($"We are looking into check-in {marker}", page);

        var chain = await reviewer.GetFromJsonAsync<JsonElement>("/api/staff/v1/audit/verify");
        Assert.True(chain.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task The_incident_list_puts_the_latest_change_first()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var marker = Guid.NewGuid().ToString("n")[..8];
        var ids = new List<string>();
        foreach (var n in new[] { "first", "second", "third" })
        {
            var response = await author.PostAsJsonAsync("/api/staff/v1/incidents",
                new { title = $"Order {marker} {n}", summary = "", severity = "minor", status = "investigating", isPublic = false });
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        // Touch the first again: it becomes the newest change.
        Assert.Equal(HttpStatusCode.OK, (await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{ids[0]}", new { summary = "Changed." })).StatusCode);

        var listed = await author.GetFromJsonAsync<JsonElement[]>($"/api/staff/v1/incidents?q={marker}");
        Assert.Equal([ids[0], ids[2], ids[1]], listed!.Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Slugs_are_stored_in_lower_case_and_found_and_kept_unique_whatever_the_case()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var slug = $"Baggage-Delay-{Guid.NewGuid().ToString("n")[..8]}";

        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents",
            new { title = "Baggage delay", summary = "", severity = "minor", status = "investigating", isPublic = false, slug });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(slug.ToLowerInvariant(), (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString());

        var found = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{slug.ToUpperInvariant()}");
        Assert.Equal(slug.ToLowerInvariant(), found.GetProperty("slug").GetString());

        var again = await author.PostAsJsonAsync("/api/staff/v1/incidents",
            new { title = "Baggage delay again", summary = "", severity = "minor", status = "investigating", isPublic = false, slug = slug.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_email_is_one_account_whatever_its_case()
    {
        var (_, email) = await app.CreateUserAsync("Case.Check", "Author");
        using var admin = await app.ClientForAsync("admin@demo.local");

        var twin = await admin.PostAsJsonAsync("/api/staff/v1/users",
            new { email = email.ToUpperInvariant(), displayName = "Twin", password = AppFactory.UserPassword, roles = new[] { "Reviewer" } });
        Assert.Equal(HttpStatusCode.BadRequest, twin.StatusCode);
        Assert.Contains("already exists", await twin.Content.ReadAsStringAsync());

        // Signing in does not care how the address is typed.
        Assert.False(string.IsNullOrEmpty(await app.TokenAsync(email.ToUpperInvariant(), AppFactory.UserPassword)));
    }
}
