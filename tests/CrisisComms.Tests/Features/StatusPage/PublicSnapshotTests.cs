using System.Net;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using System.Data.Common;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>Makes the database fail every command, as a dead database server or an unreadable file would.</summary>
public sealed class DatabaseOutage : DbCommandInterceptor
{
    public volatile bool Down;

    private void ThrowIfDown()
    {
        if (Down) throw new SqliteException("SQLite Error 14: 'unable to open database file'.", 14);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { ThrowIfDown(); return ValueTask.FromResult(result); }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { ThrowIfDown(); return result; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { ThrowIfDown(); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { ThrowIfDown(); return ValueTask.FromResult(result); }
}

/// <summary>
/// Invariant 7: the public page stays up when the database is unavailable. Each publication writes a
/// snapshot of every public route atomically into the data folder; with the database down, the
/// public routes answer 200 from it and say when it was last updated.
/// </summary>
public sealed class PublicSnapshotTests : IAsyncLifetime
{
    private static readonly string[] Routes =
        ["/", "/incidents/customer-data-breach", "/history", "/history.rss", "/history.atom",
         "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/incidents.json", "/api/v2/incidents/unresolved.json"];

    private readonly DatabaseOutage _outage = new();
    private readonly AppFactory _app;
    private readonly PublicScenario _s;

    public PublicSnapshotTests()
    {
        _app = AppFactory.With(new Dictionary<string, string?>(),
            // Both context types: the app uses PostgresAppDbContext when the suite runs on PostgreSQL.
            services => services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(_outage))
                .ConfigureDbContext<PostgresAppDbContext>(o => o.AddInterceptors(_outage)));
        _s = new PublicScenario(_app);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _outage.Down = false;
        await _app.DisposeAsync();
    }

    private PublicSnapshotStore Store => _app.Services.GetRequiredService<PublicSnapshotStore>();

    private Task<PublicSnapshot> SnapshotContainingAsync(string marker) =>
        Poll.UntilAsync(() => Store.Current is { } s && s.Entries["/"].Body.Contains(marker) ? s : null, TimeSpan.FromSeconds(15), $"A snapshot with {marker}");

    [Fact]
    public async Task A_publication_writes_a_snapshot_of_every_public_route_into_the_data_folder_atomically()
    {
        var marker = PublicScenario.Marker("SNAP");
        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);
        await SnapshotContainingAsync(marker);

        var file = Path.Combine(_app.DataDirectory, "public-snapshot.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var entries = json.RootElement.GetProperty("entries");
        foreach (var route in Routes) Assert.True(entries.TryGetProperty(route, out _), $"snapshot has {route}");
        Assert.Contains(marker, entries.GetProperty("/").GetProperty("body").GetString());
        Assert.Contains(marker, entries.GetProperty("/history.rss").GetProperty("body").GetString());
        Assert.Empty(Directory.GetFiles(_app.DataDirectory, "public-snapshot.json.*.tmp"));
    }

    [Fact]
    public async Task With_the_database_down_every_public_route_serves_the_last_snapshot_with_200_and_says_when_it_was_updated()
    {
        using var client = _app.CreateRawClient();
        var marker = PublicScenario.Marker("DOWN");
        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);
        await SnapshotContainingAsync(marker);

        _outage.Down = true;
        // The cached answers would hide the outage; evict them as the next publication would.
        await _app.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>().EvictByTagAsync(PublicEndpoints.CacheTag, default);

        foreach (var route in Routes)
        {
            var response = await client.GetAsync(route);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Contains("X-Status-Snapshot"), route);
            if (route is not "/history" and not "/api/v2/status.json") Assert.Contains(marker, body);
            Assert.DoesNotContain(PublicSnapshotStore.BaseUrlPlaceholder, body);
            if (route is "/" or "/incidents/customer-data-breach" or "/history")
            {
                Assert.Contains("data-testid=\"snapshot-notice\"", body);
                Assert.Contains("last updated", body);
            }
        }
        var summary = JsonDocument.Parse(await client.GetStringAsync("/api/v2/summary.json"));
        Assert.StartsWith("http://localhost/", summary.RootElement.GetProperty("page").GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/incidents/not-in-the-snapshot")).StatusCode);
    }

    [Fact]
    public async Task A_fresh_store_over_the_data_folder_reads_the_last_snapshot_from_disk_and_points_its_links_at_the_asking_host()
    {
        var marker = PublicScenario.Marker("DISK");
        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);
        await SnapshotContainingAsync(marker);

        // A fresh store over the same data folder, as after a restart: it reads the file.
        var paths = _app.Services.GetRequiredService<DataPaths>();
        var restarted = new PublicSnapshotStore(paths, Microsoft.Extensions.Logging.Abstractions.NullLogger<PublicSnapshotStore>.Instance);
        var snapshot = Assert.IsType<PublicSnapshot>(restarted.Current);
        Assert.Contains(marker, PublicSnapshotStore.Find(snapshot, "/", "https://status.example.com")!.Body);
        Assert.Contains("https://status.example.com/incidents/customer-data-breach", PublicSnapshotStore.Find(snapshot, "/history.rss", "https://status.example.com")!.Body);
    }

    [Fact]
    public async Task The_running_app_keeps_serving_its_snapshot_even_if_the_file_is_lost_while_the_database_is_down()
    {
        using var client = _app.CreateRawClient();
        var marker = PublicScenario.Marker("MEM");
        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);
        await SnapshotContainingAsync(marker);
        File.Delete(Path.Combine(_app.DataDirectory, "public-snapshot.json"));

        _outage.Down = true;
        await _app.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>().EvictByTagAsync(PublicEndpoints.CacheTag, default);

        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(marker, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_the_database_down_and_no_snapshot_at_all_the_answer_is_a_plain_503()
    {
        using var client = _app.CreateRawClient();
        await client.GetStringAsync("/healthz");
        var empty = Path.Combine(_app.DataDirectory, "empty-" + Guid.NewGuid().ToString("n"));
        _outage.Down = true;
        await _s.SignOff.Scoped(async sp =>
        {
            var paths = new DataPaths(Microsoft.Extensions.Options.Options.Create(new CrisisComms.Web.Infrastructure.Options.StorageOptions { DataDirectory = empty }), sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>());
            var site = ActivatorUtilities.CreateInstance<PublicSite>(sp, new PublicSnapshotStore(paths, Microsoft.Extensions.Logging.Abstractions.NullLogger<PublicSnapshotStore>.Instance));
            var result = await site.GetAsync(PublicRoute.Home, "http://localhost", default);
            Assert.Equal(503, result.Response.StatusCode);
            Assert.Contains("Status temporarily unavailable", result.Response.Body);
        });
    }
}
