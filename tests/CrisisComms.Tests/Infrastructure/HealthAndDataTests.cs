using System.Net;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.DataProtection;

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
        // SQLite lives in the data folder; PostgreSQL lives in its server, and no SQLite file appears in the data folder.
        Assert.Equal(!app.IsPostgres, File.Exists(Path.Combine(app.DataDirectory, "crisiscomms.db")));
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
    public async Task Data_protection_keys_are_kept_in_the_database_where_every_instance_finds_them()
    {
        using var signedIn = await app.ClientForAsync("author@demo.local");
        var keys = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.Contains("<key ", xml));
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "keys")), "no key files in the data folder any more");
        // A second key ring reading the same database (another instance) opens what this one protected.
        var protectedText = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("statement")));
        using var appScope = app.Services.CreateScope();
        var services = new ServiceCollection().AddLogging();
        services.AddScoped(_ => appScope.ServiceProvider.GetRequiredService<AppDbContext>());
        services.AddDataProtection().SetApplicationName("CrisisComms").PersistKeysToDbContext<AppDbContext>();
        using var otherInstance = services.BuildServiceProvider();
        var other = otherInstance.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal("statement", other.CreateProtector("test").Unprotect(protectedText));
    }

    [Fact]
    public async Task Keys_from_the_old_keys_folder_are_moved_into_the_database_so_sign_ins_survive_the_upgrade()
    {
        // A data folder as an earlier version left it: keys as files in <data>/keys, and something protected with them.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "crisiscomms-tests", Guid.NewGuid().ToString("n"));
        var keysFolder = Path.Combine(dataDirectory, "keys");
        var oldRing = DataProtectionProvider.Create(new DirectoryInfo(keysFolder), b => b.SetApplicationName("CrisisComms"));
        var cookieFromBefore = oldRing.CreateProtector("test").Protect("signed in");
        try
        {
            await using var upgraded = AppFactory.With(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory }, postgres: app.IsPostgres);
            var opened = await upgraded.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(cookieFromBefore)));
            Assert.Equal("signed in", opened);
            var stored = await upgraded.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().DataProtectionKeys.CountAsync());
            Assert.Equal(Directory.GetFiles(keysFolder, "*.xml").Length, stored);
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
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
