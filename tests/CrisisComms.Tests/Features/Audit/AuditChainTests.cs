using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.Audit;

/// <summary>Any change, deletion or insertion of an audit row is detected and named. Each test tampers with its own database.</summary>
public sealed class AuditChainTests() : AuditChainCases(new AppFactory());

/// <summary>The same on PostgreSQL: the chain is linked under the head row's lock, and tampering by SQL is named.</summary>
public sealed class AuditChainOnPostgresTests() : AuditChainCases(AppFactory.OnPostgres());

/// <summary>The cases of <see cref="AuditChainTests"/>, run once per database provider.</summary>
public abstract class AuditChainCases(AppFactory app) : IDisposable
{
    private readonly AppFactory _app = app;

    [Fact]
    public async Task An_untouched_chain_verifies_through_the_api()
    {
        await MakeHistoryAsync();
        using var reviewer = await _app.ClientForAsync("reviewer@demo.local");
        var result = await reviewer.GetFromJsonAsync<JsonElement>("/api/staff/v1/audit/verify");
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.True(result.GetProperty("entries").GetInt64() > 5);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("firstBrokenSeq").ValueKind);
    }

    [Fact]
    public async Task Changing_one_row_is_named()
    {
        await MakeHistoryAsync();
        await SqlAsync("UPDATE \"AuditEntries\" SET \"Summary\" = 'nothing happened' WHERE \"Seq\" = 3");
        var result = await VerifyAsync();
        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenSeq);
        Assert.Contains("changed", result.Message);
    }

    [Fact]
    public async Task Changing_the_actor_or_time_is_named_too()
    {
        await MakeHistoryAsync();
        await SqlAsync("UPDATE \"AuditEntries\" SET \"ActorName\" = 'someone-else@demo.local' WHERE \"Seq\" = 5");
        Assert.Equal(5, (await VerifyAsync()).FirstBrokenSeq);
    }

    [Fact]
    public async Task Deleting_one_row_is_named()
    {
        await MakeHistoryAsync();
        await SqlAsync("DELETE FROM \"AuditEntries\" WHERE \"Seq\" = 4");
        var result = await VerifyAsync();
        Assert.False(result.Ok);
        Assert.Equal(4, result.FirstBrokenSeq);
        Assert.Contains("missing", result.Message);
    }

    [Fact]
    public async Task Deleting_the_newest_rows_is_detected()
    {
        await MakeHistoryAsync();
        var last = await _app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.MaxAsync(a => a.Seq));
        await SqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Seq\" >= {last - 1}");
        var result = await VerifyAsync();
        Assert.False(result.Ok);
        Assert.Equal(last - 1, result.FirstBrokenSeq);
    }

    [Fact]
    public async Task Inserting_a_row_is_named()
    {
        await MakeHistoryAsync();
        var last = await _app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.OrderByDescending(a => a.Seq).FirstAsync());
        await SqlAsync($"INSERT INTO \"AuditEntries\" (\"Seq\", \"At\", \"ActorId\", \"ActorName\", \"Action\", \"EntityType\", \"EntityId\", \"Summary\", \"PrevHash\", \"Hash\") " +
                       $"VALUES ({last.Seq + 1}, {last.At.UtcTicks}, NULL, 'ghost', 'statement.approved', 'statement', 'x', 'forged', '{last.Hash}', '{new string('a', 64)}')");
        var result = await VerifyAsync();
        Assert.False(result.Ok);
        Assert.Equal(last.Seq + 1, result.FirstBrokenSeq);
    }

    [Fact]
    public async Task Concurrent_writers_keep_one_unbroken_chain()
    {
        using var author = await _app.ClientForAsync("author@demo.local");
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            author.PutAsJsonAsync($"/api/staff/v1/incidents/customer-data-breach/facts/race_{i % 5}", new { label = "Race", value = $"v{i}" })));
        var result = await VerifyAsync();
        Assert.True(result.Ok, result.Message);
    }

    [Fact]
    public async Task The_command_line_reports_intact_and_broken_chains_by_exit_code()
    {
        await MakeHistoryAsync();
        var output = new StringWriter();
        Assert.Equal(0, await VerifyAuditCommand.RunAsync(_app.Services, output));
        Assert.StartsWith("OK:", output.ToString());

        await SqlAsync("UPDATE \"AuditEntries\" SET \"Action\" = 'auth.sign-in' WHERE \"Seq\" = 2");
        output = new StringWriter();
        Assert.Equal(1, await VerifyAuditCommand.RunAsync(_app.Services, output));
        Assert.Contains("BROKEN at entry 2", output.ToString());
    }

    [Fact]
    public async Task Export_as_csv_and_json_with_filters_and_no_spreadsheet_formulas()
    {
        await MakeHistoryAsync();
        using (var anon = _app.CreateRawClient())
            await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email = "nobody@demo.local", password = "wrong" });
        using var admin = await _app.ClientForAsync("admin@demo.local");

        var csv = await admin.GetAsync("/api/staff/v1/audit?format=csv&action=auth.");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Seq,At,Actor", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.Contains(",auth.", l));
        Assert.Contains(lines, l => l.Contains("nobody@demo.local") && l.Contains("auth.sign-in-failed"));

        var json = await admin.GetFromJsonAsync<JsonElement>("/api/staff/v1/audit?action=incident.&take=5");
        Assert.All(json.EnumerateArray(), e => Assert.StartsWith("incident.", e.GetProperty("action").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/staff/v1/audit?format=xml")).StatusCode);

        using var author = await _app.ClientForAsync("author@demo.local");
        Assert.Equal(HttpStatusCode.Forbidden, (await author.GetAsync("/api/staff/v1/audit")).StatusCode);
    }

    [Fact]
    public void Csv_cells_that_look_like_spreadsheet_formulas_are_neutralised()
    {
        var csv = AuditService.ToCsv([new AuditEntry { Seq = 1, ActorName = "=HYPERLINK(\"http://evil.example\")", Action = "+cmd", EntityType = "-x", EntityId = "@y", Summary = "=1+1" }]);
        var row = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        foreach (var cell in new[] { "=HYPERLINK", "+cmd", "-x", "@y", "=1+1" })
        {
            Assert.DoesNotContain("," + cell, row);
            Assert.DoesNotContain(",\"" + cell, row);
        }
    }

    private async Task MakeHistoryAsync()
    {
        using var author = await _app.ClientForAsync("author@demo.local");
        for (var i = 0; i < 3; i++)
            await author.PutAsJsonAsync("/api/staff/v1/incidents/customer-data-breach/facts/affected_count", new { value = 6_000_000 + i });
    }

    private Task<AuditVerification> VerifyAsync() => _app.WithScopeAsync(sp => AuditChain.VerifyAsync(sp.GetRequiredService<AppDbContext>()));

    private Task SqlAsync(string sql) => _app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql));

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}
