using CrisisComms.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

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
    public async Task InitialiseAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(paths.Root);
        Directory.CreateDirectory(paths.KeysDirectory);

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

        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }

        await Features.Audit.AuditChain.SealUnlinkedAsync(db, ct);
        await roles.SeedAsync();
        await demo.SeedAsync(ct);
        await demoIncident.SeedAsync(ct);
        await demoPublication.SeedAsync(ct);
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
