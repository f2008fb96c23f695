using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Incidents;

/// <summary>
/// What the public reads goes through sign-off: an Author alone cannot make an incident public or change a public
/// incident's title or summary (403 naming the rule, nothing saved); an Approver or Admin can, and the audit says who
/// signed it off. Status changes stay open to Authors.
/// </summary>
public sealed class PublicTextSignOffTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> CreatePrivateAsync(HttpClient author, string title)
    {
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title, summary = "Private for now.", severity = "major", isPublic = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> GetAsync(HttpClient client, string id) => await client.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{id}");

    private static async Task AssertRefusedByRuleAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains("What the public reads goes through sign-off", problem.Detail);
        Assert.Contains("needs an Approver or Admin", problem.Detail);
    }

    [Fact]
    public async Task An_author_cannot_make_an_incident_public_and_nothing_is_saved()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var id = await CreatePrivateAsync(author, "Lounge closure " + Guid.NewGuid().ToString("n")[..6]);

        await AssertRefusedByRuleAsync(await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = true, status = "identified" }));

        var stored = await GetAsync(author, id);
        Assert.False(stored.GetProperty("isPublic").GetBoolean());
        Assert.Equal("investigating", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_author_cannot_open_an_incident_that_is_public_from_the_start()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var title = "Straight to the public " + Guid.NewGuid().ToString("n")[..6];
        await AssertRefusedByRuleAsync(await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title, severity = "minor", isPublic = true }));
        var all = await author.GetFromJsonAsync<JsonElement>("/api/staff/v1/incidents");
        Assert.DoesNotContain(all.EnumerateArray(), i => i.GetProperty("title").GetString() == title);
    }

    [Fact]
    public async Task On_a_public_incident_an_author_changes_the_status_but_not_the_title_or_summary()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var approver = await app.ClientForAsync("approver@demo.local");
        var title = "Baggage delays " + Guid.NewGuid().ToString("n")[..6];
        var id = await CreatePrivateAsync(author, title);
        Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = true })).StatusCode);

        await AssertRefusedByRuleAsync(await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { title = "Nothing to see here" }));
        await AssertRefusedByRuleAsync(await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { summary = "All fine.", status = "monitoring" }));
        var unchanged = await GetAsync(author, id);
        Assert.Equal(title, unchanged.GetProperty("title").GetString());
        Assert.Equal("Private for now.", unchanged.GetProperty("summary").GetString());
        Assert.Equal("investigating", unchanged.GetProperty("status").GetString());

        // Sending the same title back with a status change is fine: only a change to the public text needs sign-off.
        Assert.Equal(HttpStatusCode.OK, (await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { title, status = "identified" })).StatusCode);
        Assert.Equal("identified", (await GetAsync(author, id)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("approver@demo.local", "Approver")]
    [InlineData("admin@demo.local", "Admin")]
    public async Task An_approver_or_admin_changes_the_public_text_and_the_audit_names_the_sign_off(string signer, string role)
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var approver = await app.ClientForAsync(signer);
        var id = await CreatePrivateAsync(author, "Check-in outage " + Guid.NewGuid().ToString("n")[..6]);

        Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { title = "Check-in is slow at Sydney", summary = "Allow extra time." })).StatusCode);
        var stored = await GetAsync(author, id);
        Assert.True(stored.GetProperty("isPublic").GetBoolean());
        Assert.Equal("Check-in is slow at Sydney", stored.GetProperty("title").GetString());

        var audit = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.EntityId == id && e.Action == "incident.updated").Select(e => e.Summary).ToListAsync());
        Assert.Equal(2, audit.Count(s => s.Contains($"public text signed off by {signer} as {role}", StringComparison.Ordinal)));

        // A sign-off role alone is not an Author: the rest of the incident stays theirs.
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { status = "resolved" })).StatusCode);
    }

    [Fact]
    public async Task Taking_an_incident_off_the_public_page_stays_open_to_authors()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        using var approver = await app.ClientForAsync("approver@demo.local");
        var id = await CreatePrivateAsync(author, "Wrongly public " + Guid.NewGuid().ToString("n")[..6]);
        Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = false })).StatusCode);
        Assert.False((await GetAsync(author, id)).GetProperty("isPublic").GetBoolean());
    }
}
