using System.Net;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Infrastructure;

public sealed class HealthAndDataTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Healthz_and_readyz_answer_healthy_once_migrations_are_applied()
    {
        using var client = app.CreateRawClient();
        var health = await client.GetAsync("/healthz");
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_database_lives_in_the_configured_data_folder_built_by_migrations()
    {
        app.CreateRawClient().Dispose();
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "crisiscomms.db")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "keys")).Any(), "data-protection keys belong in the data folder");
        var (applied, pending) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return ((await db.Database.GetAppliedMigrationsAsync()).ToList(), (await db.Database.GetPendingMigrationsAsync()).ToList());
        });
        Assert.NotEmpty(applied);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_a_migration()
    {
        var pendingModelChanges = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<AppDbContext>().Database.HasPendingModelChanges()));
        Assert.False(pendingModelChanges, "The EF model changed without a migration: run `dotnet ef migrations add <Name> --project src/CrisisComms.Web --output-dir Infrastructure/Data/Migrations`.");
    }

    [Fact]
    public async Task Times_sort_correctly_in_sqlite_even_across_offsets()
    {
        var marker = Guid.NewGuid().ToString("n");
        var early = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(11)); // 22:00 UTC the day before
        var late = new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.Zero);
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.AuditEntries.Add(new AuditEntry { At = late, ActorName = "t", Action = "test.late", EntityType = "t", EntityId = marker, Summary = "" });
            db.AuditEntries.Add(new AuditEntry { At = early, ActorName = "t", Action = "test.early", EntityType = "t", EntityId = marker, Summary = "" });
            return await db.SaveChangesAsync();
        });

        var ordered = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries
            .Where(a => a.EntityId == marker && a.At > early.AddMinutes(-1)).OrderBy(a => a.At).Select(a => a.Action).ToListAsync());

        Assert.Equal(["test.early", "test.late"], ordered);
    }
}
