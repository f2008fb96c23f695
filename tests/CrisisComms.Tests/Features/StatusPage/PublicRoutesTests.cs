using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using CrisisComms.Tests.Features.Approvals;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>
/// What the public sees: published public statements on every public route, and nothing else —
/// a secret marker in an unpublished statement, an internal (staff) statement that was published,
/// and a statement of a non-public incident appears on none of them.
/// </summary>
public sealed class PublicRoutesTests : IClassFixture<AppFactory>, IAsyncLifetime
{
    private static readonly string[] Routes =
        ["/", "/incidents/customer-data-breach", "/history", "/history.rss", "/history.atom",
         "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/incidents.json", "/api/v2/incidents/unresolved.json"];

    private readonly AppFactory _app;
    private readonly SignOffScenario _s;
    private readonly string _published = "PUBLISHED-" + Guid.NewGuid().ToString("n")[..8];
    private readonly string _draft = "SECRET-DRAFT-" + Guid.NewGuid().ToString("n")[..8];
    private readonly string _approvedOnly = "SECRET-APPROVED-" + Guid.NewGuid().ToString("n")[..8];
    private readonly string _internal = "SECRET-INTERNAL-" + Guid.NewGuid().ToString("n")[..8];
    private readonly string _private = "SECRET-PRIVATE-" + Guid.NewGuid().ToString("n")[..8];

    public PublicRoutesTests(AppFactory app)
    {
        _app = app;
        _s = new SignOffScenario(app);
    }

    public async Task InitializeAsync()
    {
        var demo = await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().Incidents.Where(i => i.Slug == "customer-data-breach").Select(i => i.Id).SingleAsync());
        await PublishAsync(demo, "holding-statement", "public", _published);
        await CreateAsync(demo, "faq", "public", _draft);
        var approved = await CreateAsync(demo, "faq", "public", _approvedOnly); // an FAQ needs the Reviewer only
        await _s.SubmitAsync(approved);
        await _s.DecideAsync(await _s.Reviewer, approved, await _s.CurrentRevisionAsync(approved), CrisisComms.Web.Features.Approvals.Decision.Approve);
        Assert.Equal(StatementState.Approved, await _s.StateAsync(approved));
        await PublishAsync(demo, "staff-briefing", "staff", _internal);

        using var author = await _app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Private incident " + _private, summary = _private, severity = "major", isPublic = false });
        var privateId = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        await PublishAsync(privateId, "holding-statement", "public", _private);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> AllRoutes()
    {
        var data = new TheoryData<string>();
        foreach (var r in Routes) data.Add(r);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task A_published_public_statement_appears_and_nothing_unpublished_internal_or_private_does(string route)
    {
        using var anonymous = _app.CreateRawClient();
        var response = await anonymous.GetAsync(route);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The history page and status.json list incidents, not update texts.
        if (route is "/history") Assert.Contains("Cyber incident affecting customer data", body);
        else if (route is not "/api/v2/status.json") Assert.Contains(_published, body);
        foreach (var secret in new[] { _draft, _approvedOnly, _internal, _private })
            Assert.DoesNotContain(secret, body);
    }

    [Fact]
    public async Task The_home_page_is_static_html_with_the_overall_status_and_the_latest_update()
    {
        using var anonymous = _app.CreateRawClient();
        var html = await anonymous.GetStringAsync("/");
        Assert.Contains("Critical incident in progress", html);
        Assert.Contains("data-testid=\"public-update\"", html);
        Assert.Contains(_published, html);
        Assert.DoesNotContain("blazor.web.js", html);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Contains("Critical incident in progress", document.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.Equal("/history.rss", document.QuerySelector("link[rel=alternate][type='application/rss+xml']")!.GetAttribute("href"));
        Assert.Equal("/history.atom", document.QuerySelector("link[rel=alternate][type='application/atom+xml']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task An_unknown_or_private_incident_page_is_404()
    {
        using var anonymous = _app.CreateRawClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/incidents/no-such-incident")).StatusCode);
        var privateSlug = await _s.Scoped(sp => sp.GetRequiredService<AppDbContext>().Incidents.Where(i => !i.IsPublic).Select(i => i.Slug).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/incidents/" + privateSlug)).StatusCode);
    }

    [Theory]
    [InlineData("/history.rss")]
    [InlineData("/history.atom")]
    public async Task The_feeds_parse_and_carry_one_item_per_published_public_statement(string route)
    {
        using var anonymous = _app.CreateRawClient();
        var response = await anonymous.GetAsync(route);
        using var reader = XmlReader.Create(await response.Content.ReadAsStreamAsync(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var feed = SyndicationFeed.Load(reader);

        var item = Assert.Single(feed.Items, i => i.Title.Text.Contains(_published));
        var text = (item.Content as TextSyndicationContent)?.Text ?? item.Summary.Text;
        Assert.Contains("Text with " + _published, text);
        Assert.StartsWith("http://localhost/incidents/customer-data-breach#update-", item.Links[0].Uri.ToString());
        Assert.Equal(await PublicationCountAsync(), feed.Items.Count());
    }

    [Fact]
    public async Task The_json_api_has_the_statuspage_v2_shape_and_is_open_to_other_sites()
    {
        using var anonymous = _app.CreateRawClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/summary.json");
        request.Headers.Add("Origin", "https://aggregator.example");
        var response = await anonymous.SendAsync(request);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("critical", summary.GetProperty("status").GetProperty("indicator").GetString());
        foreach (var field in new[] { "id", "name", "url", "time_zone", "updated_at" })
            Assert.True(summary.GetProperty("page").TryGetProperty(field, out _), $"page.{field}");
        var incident = summary.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("shortlink").GetString()!.EndsWith("/incidents/customer-data-breach"));
        foreach (var field in new[] { "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact", "shortlink", "started_at", "page_id", "incident_updates", "components" })
            Assert.True(incident.TryGetProperty(field, out _), $"incidents[].{field}");
        Assert.Equal("identified", incident.GetProperty("status").GetString());
        var update = incident.GetProperty("incident_updates").EnumerateArray().Single(u => u.GetProperty("body").GetString()!.Contains(_published));
        foreach (var field in new[] { "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at" })
            Assert.True(update.TryGetProperty(field, out _), $"incident_updates[].{field}");
        Assert.DoesNotContain("<", update.GetProperty("body").GetString()); // plain text, like Statuspage

        var status = await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/status.json");
        Assert.Equal(["page", "status"], status.EnumerateObject().Select(p => p.Name));
    }

    private Task<int> PublicationCountAsync() => _s.Scoped(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        return await (from p in db.Publications
                      join s in db.Statements on p.StatementId equals s.Id
                      join i in db.Incidents on p.IncidentId equals i.Id
                      where i.IsPublic && (s.Audience == Audience.Public || s.Audience == Audience.Customers || s.Audience == Audience.Media)
                      select p).CountAsync();
    });

    private async Task<Guid> CreateAsync(Guid incident, string kind, string audience, string marker)
    {
        var author = await _s.Author;
        return await _s.Scoped(async sp => (await sp.GetRequiredService<StatementService>().CreateAsync(author, incident,
            new NewStatement { Kind = kind, Audience = audience, Title = "Update " + marker, Body = "Text with " + marker })).Statement.Id);
    }

    private async Task PublishAsync(Guid incident, string kind, string audience, string marker)
    {
        var id = await CreateAsync(incident, kind, audience, marker);
        await _s.SubmitAsync(id);
        var revision = await _s.CurrentRevisionAsync(id);
        await _s.DecideAsync(await _s.Reviewer, id, revision, CrisisComms.Web.Features.Approvals.Decision.Approve);
        var author = await _s.Author;
        await _s.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishNowAsync(author, id));
    }
}
