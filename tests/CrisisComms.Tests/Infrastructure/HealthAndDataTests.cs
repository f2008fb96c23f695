using System.Net;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>Health, migrations and stored times on the default SQLite.</summary>
public sealed class HealthAndDataTests(AppFactory app) : HealthAndDataCases(app), IClassFixture<AppFactory>;

/// <summary>The same on PostgreSQL: its own migrations applied on start, times exact and in order.</summary>
public sealed class HealthAndDataOnPostgresTests(PostgresAppFactory app) : HealthAndDataCases(app), IClassFixture<PostgresAppFactory>;

/// <summary>The cases of <see cref="HealthAndDataTests"/>, run once per database provider.</summary>
public abstract class HealthAndDataCases(AppFactory app)
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
    public async Task The_database_is_the_configured_one_built_by_its_providers_migrations()
    {
        app.CreateRawClient().Dispose();
        // SQLite lives in the data folder; PostgreSQL lives in its server, and no SQLite file appears beside the keys.
        Assert.Equal(!app.IsPostgres, File.Exists(Path.Combine(app.DataDirectory, "crisiscomms.db")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "keys")).Any(), "data-protection keys belong in the data folder");
        var (provider, all, applied, pending) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (db.Database.ProviderName, db.Database.GetMigrations().ToList(),
                (await db.Database.GetAppliedMigrationsAsync()).ToList(), (await db.Database.GetPendingMigrationsAsync()).ToList());
        });
        Assert.Equal(app.IsPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", provider);
        Assert.NotEmpty(applied);
        Assert.Equal(all, applied);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task The_demo_data_is_seeded()
    {
        using var admin = await app.ClientForAsync("admin@demo.local");
        var incident = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/staff/v1/incidents/customer-data-breach");
        Assert.Equal("customer-data-breach", incident.GetProperty("slug").GetString());
        using var anonymous = app.CreateRawClient();
        Assert.Contains("Cyber incident affecting customer data", await anonymous.GetStringAsync("/"));
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_a_migration()
    {
        var pendingModelChanges = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<AppDbContext>().Database.HasPendingModelChanges()));
        Assert.False(pendingModelChanges, app.IsPostgres
            ? "The EF model changed without a PostgreSQL migration: run `dotnet ef migrations add <Name> --project src/CrisisComms.Web --context PostgresAppDbContext --output-dir Infrastructure/Data/Migrations/Postgres`."
            : "The EF model changed without a SQLite migration: run `dotnet ef migrations add <Name> --project src/CrisisComms.Web --context AppDbContext --output-dir Infrastructure/Data/Migrations`.");
    }

    [Fact]
    public async Task Times_sort_correctly_even_across_offsets()
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

    [Fact]
    public async Task Times_read_back_exactly_as_written_to_the_tick_in_utc()
    {
        var marker = Guid.NewGuid().ToString("n");
        // 100 ns precision (finer than PostgreSQL's timestamptz) and a non-UTC offset.
        var written = new DateTimeOffset(2026, 11, 26, 9, 30, 15, TimeSpan.FromHours(11)).AddTicks(1_234_567);
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.AuditEntries.Add(new AuditEntry { At = written, ActorName = "t", Action = "test.precise", EntityType = "t", EntityId = marker, Summary = "" });
            return await db.SaveChangesAsync();
        });

        var read = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.EntityId == marker && a.At == written).Select(a => a.At).SingleAsync());

        Assert.Equal(written.UtcTicks, read.UtcTicks);
        Assert.Equal(TimeSpan.Zero, read.Offset);
    }
}
