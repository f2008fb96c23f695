using CrisisComms.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>Brings the database to the current schema with migrations (never EnsureCreated) and seeds what must exist.</summary>
public sealed class DatabaseInitialiser(
    AppDbContext db,
    DataPaths paths,
    RoleSeeder roles,
    DemoDataSeeder demo,
    CrisisComms.Web.Features.Incidents.DemoIncidentSeeder demoIncident,
    CrisisComms.Web.Features.Publishing.DemoPublicationSeeder demoPublication,
    ILogger<DatabaseInitialiser> logger)
{
    /// <summary>Any fixed number: the PostgreSQL advisory lock instances take turns on while they initialise.</summary>
    internal const long InitialiseLockKey = 0x43_72_69_73_69_73; // "Crisis"

    public async Task InitialiseAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(paths.Root);
        if (db.Database.IsNpgsql())
        {
            // The lock below lives in the database, so the database must exist before anything else (README: "created on start").
            await CreatePostgresDatabaseIfMissingAsync(ct);
            // Several instances starting at once take turns: one migrates and seeds, the others then find nothing to do
            // (instead of racing to insert the same roles). The lock goes with its connection, even if this process dies.
            // Unpooled, so closing it really ends the session (a pooled one could keep the lock until reused).
            var unpooled = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false };
            await using var lockConnection = new Npgsql.NpgsqlConnection(unpooled.ConnectionString);
            await lockConnection.OpenAsync(ct);
            await AdvisoryLock.HoldAsync(lockConnection, InitialiseLockKey, async () =>
            {
                await InitialiseLockedAsync(ct);
                // Hangfire's tables too: its own installer has no lock, and two instances installing at once fail.
                Features.Publishing.PublishingExtensions.InstallPostgresJobStorage(lockConnection);
            }, ct);
            return;
        }
        await InitialiseLockedAsync(ct);
    }

    /// <summary>
    /// Creates the database named in the connection string when the server has no such database (connecting to its
    /// maintenance database to do so). Two instances doing this at once is fine: the loser finds it already there.
    /// </summary>
    private async Task CreatePostgresDatabaseIfMissingAsync(CancellationToken ct)
    {
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct)) return;
        var name = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Database;
        try
        {
            await creator.CreateAsync(ct);
            logger.LogInformation("Created the PostgreSQL database {Database}", name);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DuplicateDatabase or Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it a moment earlier.
        }
    }

    private async Task InitialiseLockedAsync(CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            // WAL lets the public pages read while a publish writes.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        // On an empty PostgreSQL database EF reads the migrations history before creating it, which logs two alarming
        // "fail: Failed executing DbCommand" lines on every first start. Creating the (empty) table first avoids them.
        if (db.Database.IsNpgsql())
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }

        await ImportLegacyKeysAsync(ct);
        await Features.Audit.AuditChain.SealUnlinkedAsync(db, ct);
        await roles.SeedAsync();
        await demo.SeedAsync(ct);
        await demoIncident.SeedAsync(ct);
        await demoPublication.SeedAsync(ct);
    }

    /// <summary>
    /// Data-protection keys used to live in &lt;DataDirectory&gt;/keys. Copied into the database once (when it has none), so an
    /// upgrade keeps everyone signed in and every API token valid. The files are left where they were.
    /// </summary>
    private async Task ImportLegacyKeysAsync(CancellationToken ct)
    {
        if (!Directory.Exists(paths.LegacyKeysDirectory) || await db.DataProtectionKeys.AnyAsync(ct)) return;
        var files = Directory.GetFiles(paths.LegacyKeysDirectory, "*.xml");
        if (files.Length == 0) return;
        foreach (var file in files)
            db.DataProtectionKeys.Add(new() { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = System.Xml.Linq.XElement.Load(file).ToString(System.Xml.Linq.SaveOptions.DisableFormatting) });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Moved {Count} data-protection key(s) from the data folder into the database; sign-ins and API tokens stay valid", files.Length);
    }
}

public static class DatabaseInitialiserExtensions
{
    /// <summary>Runs migrations and seeding before the app serves its first request.</summary>
    public static async Task InitialiseDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitialiser>().InitialiseAsync(ct);
    }
}
