using System.Net;
using System.Net.Http.Headers;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>
/// A crowd on the status page costs the database (almost) nothing, yet a publication shows at once:
/// output caching with eviction on publish, ETag/304, CDN-friendly Cache-Control, and no per-visitor
/// state (a cookie would make every answer uncacheable).
/// </summary>
public sealed class PublicCachingTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly string[] Routes =
        ["/", "/incidents/customer-data-breach", "/history", "/history.rss", "/history.atom",
         "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/incidents.json", "/api/v2/incidents/unresolved.json"];

    private readonly PublicScenario _s = new(app);

    private long PublicQueries => app.Services.GetRequiredService<DbCommandCounter>().Count(PublicSite.CounterCategory);

    [Fact]
    public async Task Two_hundred_requests_for_the_cached_page_cost_at_most_one_database_query_whatever_their_query_string()
    {
        using var client = app.CreateRawClient();
        await client.GetStringAsync("/");
        var before = PublicQueries;

        for (var i = 0; i < 200; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(i % 2 == 0 ? "/" : $"/?cache-buster={i}")).StatusCode);

        Assert.True(PublicQueries - before <= 1, $"{PublicQueries - before} database queries for 200 cached requests");
    }

    [Fact]
    public async Task A_publication_evicts_the_cached_pages_so_the_next_request_shows_it()
    {
        using var client = app.CreateRawClient();
        var incident = await _s.DemoIncidentAsync();
        foreach (var route in Routes) await client.GetStringAsync(route); // all cached now
        var marker = PublicScenario.Marker("EVICT");

        await _s.PublishAsync(incident, marker);

        foreach (var route in Routes.Where(r => r is not "/history" and not "/api/v2/status.json"))
            Assert.Contains(marker, await client.GetStringAsync(route));
    }

    [Fact]
    public async Task A_change_to_a_public_incident_evicts_the_cached_pages()
    {
        using var client = app.CreateRawClient();
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents", new { title = "Baggage system outage", summary = "Bags are delayed.", severity = "minor", status = "investigating", isPublic = false });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        using (var approver = await app.ClientForAsync("approver@demo.local"))
            Assert.Equal(HttpStatusCode.OK, (await approver.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = true })).StatusCode);
        Assert.Contains("Baggage system outage", await client.GetStringAsync("/"));

        var patched = await author.PatchAsJsonAsync($"/api/staff/v1/incidents/{id}", new { isPublic = false });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.DoesNotContain("Baggage system outage", await client.GetStringAsync("/"));
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task Every_public_route_has_an_etag_answers_304_and_tells_a_cdn_how_long_it_may_keep_it(string route)
    {
        using var client = app.CreateRawClient();
        var first = await client.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag!.IsWeak);
        var cacheControl = first.Headers.CacheControl!;
        Assert.True(cacheControl.Public);
        Assert.Equal(TimeSpan.FromSeconds(15), cacheControl.MaxAge);
        Assert.Contains(cacheControl.Extensions, e => e.Name == "stale-while-revalidate" && e.Value == "60");
        Assert.Contains(cacheControl.Extensions, e => e.Name == "stale-if-error" && e.Value == "86400");
        Assert.NotNull(first.Content.Headers.LastModified);

        var again = new HttpRequestMessage(HttpMethod.Get, route);
        again.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());

        var stale = new HttpRequestMessage(HttpMethod.Get, route);
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"not-the-current-one\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(stale)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task No_public_route_sets_a_cookie_or_carries_blazor_state(string route)
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync(route);
        Assert.False(response.Headers.Contains("Set-Cookie"), $"{route} set a cookie: {string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var v) ? v : [])}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Blazor-Server-Component-State", body);
        Assert.DoesNotContain("_framework/blazor", body);
    }

    [Fact]
    public async Task Head_requests_get_the_headers_without_a_body()
    {
        using var client = app.CreateRawClient();
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task History_pages_are_cached_per_page_and_a_page_past_the_end_is_404()
    {
        using var client = app.CreateRawClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/history?page=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/history?page=999")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/history?page=not-a-number")).StatusCode);
    }

    public static TheoryData<string> AllRoutes()
    {
        var data = new TheoryData<string>();
        foreach (var r in Routes) data.Add(r);
        return data;
    }
}
