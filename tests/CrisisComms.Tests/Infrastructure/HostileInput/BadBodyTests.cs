using System.Net;
using System.Text;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// Every staff API route that reads a body, sent every class of broken body: each answer is a 4xx problem naming the
/// problem (never a 500), the process keeps answering /healthz, and nothing saved changes.
/// </summary>
public sealed class BadBodyTests(HostileApp app) : IClassFixture<HostileApp>
{
    /// <summary>A route that reads a JSON body, who may call it, and whether an absent body is a valid request there.</summary>
    public sealed record BodyRoute(string Method, string Pattern, string Caller, bool BodyOptional = false)
    {
        public string PathFor(HostileApp.Targets t) => StaffApi.Prefix + Pattern
            .Replace("{incident}", t.IncidentId).Replace("{statement}", t.StatementId).Replace("{user}", t.UserId);

        public override string ToString() => $"{Method} {Pattern}";
    }

    public static readonly BodyRoute[] Routes =
    [
        new("POST", "/auth/token", "anonymous"),
        new("POST", "/incidents", "author@demo.local"),
        new("PATCH", "/incidents/{incident}", "author@demo.local"),
        new("PUT", "/incidents/{incident}/facts/hostile_probe", "author@demo.local"),
        new("POST", "/incidents/{incident}/statements", "author@demo.local"),
        new("POST", "/incidents/{incident}/preview", "author@demo.local"),
        new("PUT", "/statements/{statement}", "author@demo.local"),
        new("POST", "/statements/{statement}/restore", "author@demo.local"),
        new("POST", "/statements/{statement}/rerender", "author@demo.local"),
        new("POST", "/statements/{statement}/decisions", "reviewer@demo.local"),
        // An absent body is a withdrawal without a reason: a valid request, so only broken bodies are sent there.
        new("POST", "/statements/{statement}/withdraw", "author@demo.local", BodyOptional: true),
        new("POST", "/statements/{statement}/discard", "author@demo.local", BodyOptional: true),
        new("POST", "/statements/{statement}/comments", "reviewer@demo.local"),
        new("POST", "/statements/{statement}/schedule", "author@demo.local"),
        new("POST", "/schedule-sequence", "author@demo.local"),
        new("PUT", "/policies/holding-statement", "admin@demo.local"),
        new("POST", "/users", "admin@demo.local"),
        new("POST", "/users/{user}/password", "admin@demo.local"),
    ];

    private static readonly string[] FieldNames =
    [
        "title", "summary", "severity", "status", "isPublic", "nextUpdateDue", "detectedAt", "awareAt", "slug", "version",
        "label", "value", "type", "kind", "audience", "body", "template", "supersedes", "baseRevisionId", "revisionId",
        "decision", "comment", "role", "reason", "roles", "at", "start", "statements", "email", "displayName", "password", "twoFactorCode",
    ];

    private static string EveryField(string json) => "{" + string.Join(",", FieldNames.Select(f => $"\"{f}\":{json}")) + "}";

    /// <summary>A class of broken body: its bytes, its content type, the status it earns and a word the problem must contain.</summary>
    public sealed record BadBody(string Name, byte[]? Bytes, string? ContentType, HttpStatusCode Status, string Names, bool IsAbsent = false)
    {
        public override string ToString() => Name;
    }

    private const string AnyField = "a field";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static readonly BadBody[] Bodies =
    [
        new("malformed JSON", Utf8("{\"title\": \"half"), "application/json", HttpStatusCode.BadRequest, "JSON"),
        new("trailing garbage", Utf8("{\"title\": \"x\"} trailing"), "application/json", HttpStatusCode.BadRequest, "JSON"),
        new("invalid UTF-8", [.. Utf8("{\"title\":\"ab"), 0xFF, 0xFE, 0xC3, .. Utf8("\",\"body\":\"x\"}")], "application/json", HttpStatusCode.BadRequest, "UTF-8"),
        new("an array where an object is expected", Utf8("[1,2,3]"), "application/json", HttpStatusCode.BadRequest, "object"),
        new("a bare string", Utf8("\"hello\""), "application/json", HttpStatusCode.BadRequest, "object"),
        new("a bare number", Utf8("42"), "application/json", HttpStatusCode.BadRequest, "object"),
        new("JSON null", Utf8("null"), "application/json", HttpStatusCode.BadRequest, "body", IsAbsent: true),
        new("an empty body", [], "application/json", HttpStatusCode.BadRequest, "body", IsAbsent: true),
        new("nesting 10,000 deep", Utf8("{\"title\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), "application/json", HttpStatusCode.BadRequest, "depth"),
        new("every field a huge number", Utf8(EveryField("1e99999")), "application/json", HttpStatusCode.BadRequest, AnyField),
        new("every field an object", Utf8(EveryField("{\"a\":1}")), "application/json", HttpStatusCode.BadRequest, AnyField),
        new("every field an array", Utf8(EveryField("[\"x\"]")), "application/json", HttpStatusCode.BadRequest, AnyField),
        new("every field true", Utf8(EveryField("true")), "application/json", HttpStatusCode.BadRequest, AnyField),
        new("form data instead of JSON", Utf8("title=x&body=y"), "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "JSON"),
        new("JSON sent as text/plain", Utf8("{\"title\":\"x\"}"), "text/plain", HttpStatusCode.UnsupportedMediaType, "JSON"),
    ];

    public static TheoryData<BodyRoute, BadBody> Cases()
    {
        var data = new TheoryData<BodyRoute, BadBody>();
        foreach (var route in Routes)
            foreach (var body in Bodies)
                if (!(route.BodyOptional && body.IsAbsent)) data.Add(route, body);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_broken_body_is_a_problem_naming_it_and_changes_nothing(BodyRoute route, BadBody body)
    {
        var targets = await app.TargetsAsync();
        var before = await app.SavedStateAsync(targets);
        using var client = route.Caller == "anonymous" ? app.CreateRawClient() : await app.CachedClientAsync(route.Caller);

        var response = await client.SendAsync(HostileApp.Raw(new HttpMethod(route.Method), route.PathFor(targets), body.Bytes, body.ContentType));

        Assert.Equal(body.Status, response.StatusCode);
        var text = await HostileApp.ProblemTextAsync(response);
        Assert.True(Names(body, text), $"The problem should name {body.Names}: {text}");
        await app.AssertStillHealthyAsync();
        Assert.Equal(before, await app.SavedStateAsync(targets));
    }

    /// <summary><see cref="AnyField"/>: the problem names one of the fields (an error key or a JSON path); else it contains the word.</summary>
    private static bool Names(BadBody body, string text) => body.Names switch
    {
        AnyField => FieldNames.Any(f => text.Contains("$." + f, StringComparison.OrdinalIgnoreCase) || text.Contains(f + ":", StringComparison.OrdinalIgnoreCase)),
        _ when body.IsAbsent => text.Contains(body.Names, StringComparison.OrdinalIgnoreCase) || text.Contains("required", StringComparison.OrdinalIgnoreCase),
        _ => text.Contains(body.Names, StringComparison.OrdinalIgnoreCase),
    };


    private const string Author = "author@demo.local";
    private const string Reviewer = "reviewer@demo.local";
    private const string Admin = "admin@demo.local";

    /// <summary>Well-formed JSON with one impossible value per case: out-of-range dates and numbers, unknown enum values, wrong element types.</summary>
    public static TheoryData<string, string, string, string, string> BadValues => new()
    {
        { "POST", "/incidents", Author, """{"title":"x","severity":"apocalyptic"}""", "severity" },
        { "POST", "/incidents", Author, """{"title":"x","severity":"minor","nextUpdateDue":"9999-12-31T23:59:59-14:00"}""", "nextUpdateDue" },
        { "POST", "/incidents", Author, """{"title":"x","severity":"minor","detectedAt":"0001-01-01T00:00:00+14:00"}""", "detectedAt" },
        { "POST", "/incidents", Author, """{"title":"x","severity":"minor","awareAt":"2026-02-30T10:00:00Z"}""", "awareAt" },
        { "POST", "/incidents", Author, """{"title":"x","severity":"minor","isPublic":1}""", "isPublic" },
        { "PATCH", "/incidents/{incident}", Author, """{"version":1e400}""", "version" },
        { "PATCH", "/incidents/{incident}", Author, """{"version":99999999999}""", "version" },
        { "PATCH", "/incidents/{incident}", Author, """{"version":{"a":1}}""", "version" },
        { "PATCH", "/incidents/{incident}", Author, """{"status":"exploded"}""", "status" },
        { "PATCH", "/incidents/{incident}", Author, """{"nextUpdateDue":"+275760-09-13T00:00:00Z"}""", "nextUpdateDue" },
        { "PUT", "/incidents/{incident}/facts/affected_count", Author, """{"value":1e400}""", "value" },
        { "PUT", "/incidents/{incident}/facts/affected_count", Author, """{"value":-1e400}""", "value" },
        { "PUT", "/incidents/{incident}/facts/affected_count", Author, """{"value":[{"a":1}]}""", "value" },
        { "PUT", "/incidents/{incident}/facts/affected_count", Author, """{"value":"5","type":"emoji"}""", "type" },
        { "PUT", "/incidents/{incident}/facts/affected_count", Author, """{"value":"5","label":7}""", "label" },
        { "PUT", "/incidents/{incident}/facts/detected_on", Author, """{"label":"When","type":"date-time","value":"9999-12-31T23:59:59-14:00"}""", "value" },
        { "POST", "/incidents/{incident}/statements", Author, """{"kind":"ransom-note","audience":"public","title":"x"}""", "kind" },
        { "POST", "/incidents/{incident}/statements", Author, """{"kind":"faq","audience":"martians","title":"x"}""", "audience" },
        { "POST", "/incidents/{incident}/statements", Author, """{"kind":"faq","audience":"public","title":"x","supersedes":"not-a-guid"}""", "supersedes" },
        { "PUT", "/statements/{statement}", Author, """{"title":"x","body":"y","baseRevisionId":12345}""", "baseRevisionId" },
        { "POST", "/statements/{statement}/restore", Author, """{"revisionId":"00000000-0000-0000-0000-00000000000G"}""", "revisionId" },
        { "POST", "/statements/{statement}/decisions", Reviewer, """{"revisionId":"{revision}","decision":"maybe"}""", "decision" },
        { "POST", "/statements/{statement}/schedule", Author, """{"at":"9999-12-31T23:59:59-14:00"}""", "at" },
        { "POST", "/statements/{statement}/schedule", Author, """{"at":"2027-02-30T09:00:00+11:00"}""", "at" },
        { "POST", "/statements/{statement}/schedule", Author, """{"at":1e400}""", "at" },
        { "POST", "/schedule-sequence", Author, """{"start":"2027-01-01T00:00:00Z","statements":[{"id":"{statement}","offset":"10675199.02:48:05"}]}""", "offset" },
        { "POST", "/schedule-sequence", Author, """{"start":"2027-01-01T00:00:00Z","statements":[{"id":"{statement}","offset":"-00:05:00"}]}""", "offset" },
        { "POST", "/schedule-sequence", Author, """{"start":"2027-01-01T00:00:00Z","statements":[{"id":12}]}""", "id" },
        { "PUT", "/policies/holding-statement", Admin, """{"roles":["Overlord"]}""", "roles" },
        { "PUT", "/policies/ransom-note", Admin, """{"roles":["Approver"]}""", "kind" },
        { "POST", "/users", Admin, """{"email":"x@demo.local","displayName":"X","password":"Correct-Horse-Battery-9","roles":["Emperor"]}""", "roles" },
        { "POST", "/users", Admin, """{"email":"x@demo.local","displayName":"X","password":"Correct-Horse-Battery-9","roles":"Admin"}""", "roles" },
        { "POST", "/auth/token", "anonymous", """{"email":12,"password":"x"}""", "email" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task An_impossible_value_is_a_400_naming_the_field_and_changes_nothing(string method, string pattern, string caller, string json, string field)
    {
        var targets = await app.TargetsAsync();
        var before = await app.SavedStateAsync(targets);
        using var client = caller == "anonymous" ? app.CreateRawClient() : await app.CachedClientAsync(caller);
        var path = StaffApi.Prefix + pattern.Replace("{incident}", targets.IncidentId).Replace("{statement}", targets.StatementId).Replace("{user}", targets.UserId);
        json = json.Replace("{statement}", targets.StatementId).Replace("{revision}", targets.RevisionId);

        var response = await client.SendAsync(HostileApp.Raw(new HttpMethod(method), path, Utf8(json), "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await HostileApp.ProblemTextAsync(response), StringComparison.OrdinalIgnoreCase);
        await app.AssertStillHealthyAsync();
        Assert.Equal(before, await app.SavedStateAsync(targets));
    }

    /// <summary>Query strings the staff API reads: unparseable or out-of-range values.</summary>
    public static TheoryData<string, string> BadQueries => new()
    {
        { "/audit?from=yesterday", "from" },
        { "/audit?to=9999-12-31T23:59:59-14:00", "to" },
        { "/audit?take=99999999999", "take" },
        { "/audit?incidentId=zzz", "incidentId" },
        { "/audit?format=xlsx", "format" },
        { "/incidents?status=exploded", "status" },
        { "/incidents?severity=%00", "severity" },
        { "/statements/{statement}/diff?from=x&to=y", "from" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task An_impossible_query_value_is_a_400_naming_the_parameter(string pathAndQuery, string parameter)
    {
        var targets = await app.TargetsAsync();
        using var admin = await app.CachedClientAsync(Admin);

        var response = await admin.GetAsync(StaffApi.Prefix + pathAndQuery.Replace("{statement}", targets.StatementId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, await HostileApp.ProblemTextAsync(response), StringComparison.OrdinalIgnoreCase);
        await app.AssertStillHealthyAsync();
    }

    [Fact]
    public void The_table_covers_every_staff_route_that_reads_a_body()
    {
        var sources = app.Services.GetRequiredService<EndpointDataSource>();
        var withBody = sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(StaffApi.Prefix, StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order().ToList();
        var covered = Routes.Select(r => $"{r.Method} {StaffApi.Prefix}{r.Pattern}").ToList();

        // The table names concrete addresses; match them against the route templates by shape.
        var missing = withBody.Where(template => !covered.Any(c => SameShape(template, c))).ToList();
        Assert.True(missing.Count == 0, "Routes reading a body but missing from the hostile-input table: " + string.Join(", ", missing));
    }

    private static bool SameShape(string template, string concrete)
    {
        var t = template.TrimEnd('/').Split(' ', '/');
        var c = concrete.TrimEnd('/').Split(' ', '/');
        return t.Length == c.Length && t.Zip(c).All(p => p.First == p.Second || p.First.StartsWith('{') || p.Second.StartsWith('{'));
    }
}
