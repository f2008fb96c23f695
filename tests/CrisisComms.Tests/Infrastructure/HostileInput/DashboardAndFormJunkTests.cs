using System.Net;
using System.Text;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// Junk sent to the routes outside the staff API that accept a POST: the Hangfire dashboard (admin-only, read-only)
/// and the sign-in/sign-out forms. Never a 500, never a change, and the process keeps answering.
/// </summary>
public sealed class DashboardAndFormJunkTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static readonly (string Name, byte[] Bytes, string ContentType)[] Junk =
    [
        ("malformed JSON", Encoding.UTF8.GetBytes("{\"metrics\": ["), "application/json"),
        ("invalid UTF-8 form", [.. Encoding.UTF8.GetBytes("metrics[]="), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("&jobs[]=%ZZ")], "application/x-www-form-urlencoded"),
        ("huge form field", Encoding.UTF8.GetBytes("jobs[]=" + new string('9', 50_000)), "application/x-www-form-urlencoded"),
        ("binary", [0, 1, 2, 3, 0xFF, 0x80, 0x00], "application/octet-stream"),
        ("broken multipart", Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"), "multipart/form-data; boundary=x"),
    ];

    public static TheoryData<string, int> DashboardPosts()
    {
        var data = new TheoryData<string, int>();
        foreach (var path in new[] { "/hangfire/stats", "/hangfire/jobs/enqueued/delete", "/hangfire/jobs/scheduled/enqueue", "/hangfire/recurring/trigger", "/hangfire/jobs/failed/requeue", "/hangfire/jobs/actions/requeue/1" })
            for (var i = 0; i < Junk.Length; i++) data.Add(path, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(DashboardPosts))]
    public async Task Junk_posted_to_the_dashboard_by_an_admin_is_refused_or_ignored_never_a_500(string path, int junk)
    {
        var (name, bytes, type) = Junk[junk];
        using var admin = await app.CachedClientAsync("admin@demo.local");
        var jobsBefore = await JobCountsAsync();

        var response = await admin.SendAsync(HostileApp.Raw(HttpMethod.Post, path, bytes, type));

        Assert.True((int)response.StatusCode < 500, $"{path} with {name}: {(int)response.StatusCode}");
        Assert.Equal(jobsBefore, await JobCountsAsync());
        await app.AssertStillHealthyAsync();
    }

    [Theory]
    [InlineData("/hangfire/jobs/details/%E2%80%AE%FF")]
    [InlineData("/hangfire/jobs/details/99999999999999999999999")]
    [InlineData("/hangfire/jobs/details/-1")]
    [InlineData("/hangfire/jobs/scheduled?from=-5&count=99999999999")]
    [InlineData("/hangfire/jobs/succeeded?from=abc&count=%FF")]
    [InlineData("/hangfire/recurring?from=2147483647&count=2147483647")]
    public async Task Junk_in_dashboard_addresses_is_never_a_500(string path)
    {
        using var admin = await app.CachedClientAsync("admin@demo.local");
        var response = await admin.GetAsync(path);
        Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
        await app.AssertStillHealthyAsync();
    }

    [Fact]
    public async Task The_dashboard_is_for_admins_only_whatever_is_posted()
    {
        using var author = await app.CachedClientAsync("author@demo.local");
        using var anonymous = app.CreateRawClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await author.SendAsync(HostileApp.Raw(HttpMethod.Post, "/hangfire/stats", Junk[2].Bytes, Junk[2].ContentType))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await author.GetAsync("/hangfire")).StatusCode);
        var anon = await anonymous.SendAsync(HostileApp.Raw(HttpMethod.Post, "/hangfire/jobs/enqueued/delete", Junk[1].Bytes, Junk[1].ContentType));
        Assert.True(anon.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"anonymous: {anon.StatusCode}");
    }

    public static TheoryData<string, int> FormPosts()
    {
        var data = new TheoryData<string, int>();
        foreach (var path in new[] { "/Account/Logout", "/Account/Login", "/Account/LoginWith2fa" })
            for (var i = 0; i < Junk.Length; i++) data.Add(path, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(FormPosts))]
    public async Task Junk_posted_to_the_sign_in_forms_is_a_client_error_never_a_500(string path, int junk)
    {
        var (name, bytes, type) = Junk[junk];
        using var anonymous = app.CreateRawClient();

        var response = await anonymous.SendAsync(HostileApp.Raw(HttpMethod.Post, path, bytes, type));

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path} with {name}: {(int)response.StatusCode}");
        await app.AssertStillHealthyAsync();
    }

    private async Task<string> JobCountsAsync() => await app.WithScopeAsync(sp =>
    {
        var api = sp.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var stats = api.GetStatistics();
        return Task.FromResult($"enqueued={stats.Enqueued} scheduled={stats.Scheduled} failed={stats.Failed} deleted={stats.Deleted} recurring={stats.Recurring}");
    });
}
