using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Incidents;

/// <summary>"Next update due" is a promise to the public: it cannot be made in the past; and the activity records only what changed.</summary>
public sealed class IncidentPromiseTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_next_update_due_in_the_past_is_refused_naming_the_field_on_create_and_on_patch()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var title = "Promise " + Guid.NewGuid().ToString("n")[..8];
        var past = TimeProvider.System.GetUtcNow().AddMinutes(-5);

        var create = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title, severity = "minor", nextUpdateDue = past });

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Contains("must be in the future", (await ProblemJson.ReadAsync(create)).Errors!["nextUpdateDue"][0]);
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Incidents.AnyAsync(i => i.Title == title)));

        var future = TimeProvider.System.GetUtcNow().AddHours(2);
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title, severity = "minor", nextUpdateDue = future });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var patch = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { nextUpdateDue = past, status = "identified" });

        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Contains("must be in the future", (await ProblemJson.ReadAsync(patch)).Errors!["nextUpdateDue"][0]);
        var stored = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{id}");
        Assert.Equal(future.UtcTicks, stored.GetProperty("nextUpdateDue").GetDateTimeOffset().UtcTicks);
        Assert.Equal("investigating", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_incident_whose_promise_fell_overdue_can_still_be_changed_in_other_ways()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Overdue " + Guid.NewGuid().ToString("n")[..8], severity = "minor" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var overdue = TimeProvider.System.GetUtcNow().AddHours(-1);
        await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Incidents.Where(i => i.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.NextUpdateDue, overdue)));

        // The same (past) value sent back unchanged, as a form does, is not a new promise.
        var patch = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { status = "monitoring", nextUpdateDue = overdue });

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("monitoring", (await patch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_activity_records_only_the_fields_that_changed_with_old_and_new_values()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Activity " + Guid.NewGuid().ToString("n")[..8], summary = "Same", severity = "minor" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var due = new DateTimeOffset(2099, 1, 2, 3, 4, 0, TimeSpan.Zero);

        await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { summary = "Same", status = "identified", nextUpdateDue = due });

        var activity = await author.GetFromJsonAsync<JsonElement>($"/api/staff/v1/incidents/{id}/activity");
        var summary = activity[0].GetProperty("summary").GetString();
        Assert.Equal("Changed status: investigating → identified; next update due: none → 2099-01-02T03:04:00Z", summary);
    }
}
