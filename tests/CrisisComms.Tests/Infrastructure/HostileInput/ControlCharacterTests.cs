using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// Control, bidirectional and broken characters: refused where people type them (naming the field), and removed on the
/// way out where they are already stored, so no feed, JSON or page fails on them and the public snapshot keeps refreshing.
/// </summary>
public sealed partial class ControlCharacterTests(HostileApp app) : IClassFixture<HostileApp>
{
    public static TheoryData<string, string> SingleLineRefusals => new()
    {
        { "bell \u0007 in a title", "control character" },
        { "NUL \0 in a title", "NUL" },
        { "a line\nbreak", "line break" },
        { "a\ttab", "tab" },
        { "C1 \u0085 next-line", "control character" },
        { "C1 \u009B CSI", "control character" },
        { "invoice\u202Egpj.exe", "text-direction" },
        { "isolate \u2067x\u2069", "text-direction" },
        { "mark \u200F here", "text-direction" },
        { "arabic mark \u061C here", "text-direction" },
        { "non-character \uFFFF", "non-character" },
        { "non-character \uFFFE", "non-character" },
    };

    [Theory]
    [MemberData(nameof(SingleLineRefusals))]
    public void Single_line_fields_refuse_controls_bidi_overrides_and_broken_characters(string text, string says)
    {
        var problem = UserText.Problem("Title", text, multiLine: false);
        Assert.NotNull(problem);
        Assert.StartsWith("Title contains", problem);
        Assert.Contains(says, problem);
        Assert.DoesNotContain('\uFFFE', UserText.Clean(text, multiLine: false));
        Assert.Null(UserText.Problem("Title", UserText.Clean(text, multiLine: false), multiLine: false));
    }

    [Theory]
    [InlineData("Line one\nLine two\r\n\tindented")]
    [InlineData("עברית \u200F and العربية \u202B embedded \u202C")]
    [InlineData("Emoji 👩‍💻 and CJK 中文 and accents é")]
    public void Multi_line_texts_keep_tabs_line_breaks_direction_marks_and_every_script(string text)
    {
        Assert.Null(UserText.Problem("Body", text, multiLine: true));
        Assert.Same(text, UserText.Clean(text, multiLine: true));
    }

    [Theory]
    [InlineData("bell \u0007")]
    [InlineData("escape \u001B[31m red")]
    [InlineData("C1 \u0090")]
    public void Multi_line_texts_refuse_other_controls_and_lone_surrogates(string text) =>
        Assert.NotNull(UserText.Problem("Body", text, multiLine: true));

    [Fact]
    public void Lone_surrogates_are_refused_everywhere_and_dropped_on_output()
    {
        // Built here, not in theory data: the test runner's serialisation would replace a lone surrogate with U+FFFD.
        var broken = "lone " + '\uD800' + " surrogate " + '\uDC00';
        Assert.Contains("surrogate", UserText.Problem("Title", broken, multiLine: false));
        Assert.Contains("surrogate", UserText.Problem("Body", broken, multiLine: true));
        Assert.Equal("lone  surrogate ", UserText.Clean(broken, multiLine: true));
    }

    /// <summary>Each field where people type: the route, the JSON with the bad character, and the field the problem names.</summary>
    public static TheoryData<string, string, string, string, string> ApiRefusals => new()
    {
        { "POST", "/incidents", "author@demo.local", """{"title":"Outage \u202Egnp.exe","severity":"minor"}""", "title" },
        { "POST", "/incidents", "author@demo.local", """{"title":"Outage","severity":"minor","summary":"bad \u001b[2J escape"}""", "summary" },
        { "PATCH", "/incidents/{incident}", "author@demo.local", """{"title":"two\nlines"}""", "title" },
        { "PUT", "/incidents/{incident}/facts/hotline", "author@demo.local", """{"label":"Hotline\u2066","value":"0800 000 000"}""", "label" },
        { "PUT", "/incidents/{incident}/facts/hotline", "author@demo.local", """{"label":"Hotline","value":"0800\u0000000"}""", "value" },
        { "POST", "/incidents/{incident}/statements", "author@demo.local", """{"kind":"faq","audience":"public","title":"F\u0085AQ","body":"x"}""", "title" },
        { "PUT", "/statements/{statement}", "author@demo.local", """{"title":"ok","body":"bell \u0007","baseRevisionId":"{revision}"}""", "body" },
        { "POST", "/statements/{statement}/comments", "reviewer@demo.local", """{"body":"looks fine\u009b"}""", "body" },
        { "POST", "/statements/{statement}/withdraw", "author@demo.local", """{"reason":"gone\u0008\u0008\u0008"}""", "reason" },
        { "POST", "/users", "admin@demo.local", """{"email":"bidi@demo.local","displayName":"Admin\u202E","password":"Correct-Horse-Battery-9","roles":["Author"]}""", "displayName" },
    };

    [Theory]
    [MemberData(nameof(ApiRefusals))]
    public async Task A_typed_control_or_bidi_character_is_a_400_naming_the_field_and_nothing_is_saved(string method, string pattern, string caller, string json, string field)
    {
        var targets = await app.TargetsAsync();
        var before = await app.SavedStateAsync(targets);
        using var client = await app.CachedClientAsync(caller);
        var path = Web.Infrastructure.Api.StaffApi.Prefix + pattern.Replace("{incident}", targets.IncidentId).Replace("{statement}", targets.StatementId);

        var response = await client.SendAsync(HostileApp.Raw(new HttpMethod(method), path,
            System.Text.Encoding.UTF8.GetBytes(json.Replace("{revision}", targets.RevisionId)), "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Contains(problem.Errors![field], m => m.Contains("contains"));
        Assert.Equal(before, await app.SavedStateAsync(targets));
    }

    [Fact]
    public async Task Bad_characters_already_stored_never_break_the_feeds_the_json_or_the_page_and_the_snapshot_still_refreshes()
    {
        // Text from before these rules (or an import), written straight into the database around the service rules.
        const string Dirty = "Breach \u0001\u0007\u000B\u001B\u0085\uFFFE\uFFFF\u202E update";
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var incident = await db.Incidents.FirstAsync(i => i.Slug == "customer-data-breach");
            incident.Title = Dirty;
            incident.Summary = Dirty + "\nsecond line";
            var publication = await db.Publications.FirstAsync(p => p.IncidentId == incident.Id);
            publication.Title = Dirty;
            publication.Html = "<p>" + Dirty + "</p>";
            return await db.SaveChangesAsync();
        });
        await app.WithScopeAsync(async sp => { await sp.GetRequiredService<PublicStatusRefresher>().RefreshAsync(); return 0; });

        using var client = app.CreateRawClient();
        foreach (var path in new[] { "/history.rss", "/history.atom" })
        {
            var feed = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
            var xml = XDocument.Parse(await feed.Content.ReadAsStringAsync());
            Assert.Contains(xml.Descendants(), e => !e.HasElements && e.Value.Contains("Breach", StringComparison.Ordinal) && e.Value.Contains("update", StringComparison.Ordinal));
        }
        foreach (var path in new[] { "/api/v2/summary.json", "/api/v2/incidents.json", "/api/v2/incidents/unresolved.json", "/api/v2/status.json" })
        {
            var json = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            var text = await json.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            // Titles are single-line: their direction overrides are gone too (bodies may keep them, as Hebrew or Arabic text needs).
            if (document.RootElement.TryGetProperty("incidents", out var incidents))
                Assert.All(incidents.EnumerateArray(), i => Assert.DoesNotContain('\u202E', i.GetProperty("name").GetString()!));
            Assert.DoesNotMatch(EscapedControl(), text);
        }
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("Breach", html);
        Assert.DoesNotContain('\u0007', html);
        Assert.DoesNotContain('\uFFFF', html);

        // The snapshot (what is served if the database goes down) was refreshed with the cleaned text, every route in it.
        var snapshot = app.Services.GetRequiredService<PublicSnapshotStore>().Current!;
        Assert.Contains("/history.rss", snapshot.Entries.Keys);
        Assert.Contains("/incidents/customer-data-breach", snapshot.Entries.Keys);
        Assert.DoesNotContain(snapshot.Entries.Values, e => e.Body.Contains('\u0001') || e.Body.Contains('\uFFFF'));
        await app.AssertStillHealthyAsync();
    }

    [GeneratedRegex(@"\\u00(0[0-8bcef]|1[0-9a-f]|8[0-9a-f]|9[0-9a-f])|\\ufff[ef]", RegexOptions.IgnoreCase)]
    private static partial Regex EscapedControl();
}
