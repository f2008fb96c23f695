using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>Resolved locations inside Storage:DataDirectory.</summary>
public sealed class DataPaths(IOptions<StorageOptions> storage, IHostEnvironment env)
{
    public string Root { get; } = Path.GetFullPath(Path.Combine(env.ContentRootPath, storage.Value.DataDirectory));
    public string DatabaseFile => Path.Combine(Root, "crisiscomms.db");
    /// <summary>Where data-protection keys were kept before they moved into the database; imported once on start.</summary>
    public string LegacyKeysDirectory => Path.Combine(Root, "keys");
}

public static class DataExtensions
{
    /// <summary>
    /// The database — SQLite in the data folder (the default) or PostgreSQL, as Database:Provider says — and
    /// data-protection keys in that database. Services ask for <see cref="AppDbContext"/>; on PostgreSQL that is a
    /// <see cref="PostgresAppDbContext"/>, the same model with its own migrations.
    /// </summary>
    public static IServiceCollection AddAppData(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>();
        services.AddValidatedOptions<DatabaseOptions>();
        services.AddSingleton<DataPaths>();
        services.AddSingleton<DbCommandCounter>();

        services.AddDbContext<AppDbContext>((sp, options) =>
        {
            var db = Database(sp);
            var paths = sp.GetRequiredService<DataPaths>();
            options.UseSqlite(string.IsNullOrWhiteSpace(db.ConnectionString) ? SqliteConnectionString(paths.DatabaseFile) : db.ConnectionString);
            AddInterceptors(sp, options);
        });
        // No retrying execution strategy: services open their own transactions (audit chain, accounts), which
        // a retrying strategy refuses; conflicts are settled by concurrency tokens and unique indexes instead.
        services.AddDbContext<PostgresAppDbContext>((sp, options) =>
        {
            options.UseNpgsql(Database(sp).ConnectionString);
            AddInterceptors(sp, options);
        });
        // The provider is read when a context is first needed, not while services are registered: settings a host
        // (or a test) adds later still count, and a bad Database section fails here with its validation message.
        services.Replace(ServiceDescriptor.Scoped<AppDbContext>(sp => Database(sp).IsPostgres
            ? sp.GetRequiredService<PostgresAppDbContext>()
            : new AppDbContext(sp.GetRequiredService<DbContextOptions<AppDbContext>>())));

        // Keys in the database, so sign-in cookies, antiforgery tokens and API tokens survive a restart and work on
        // whichever instance answers (every instance shares the database and the application name).
        services.AddDataProtection().SetApplicationName("CrisisComms").PersistKeysToDbContext<AppDbContext>();

        services.AddScoped<DatabaseInitialiser>();
        services.AddSingleton(typeof(PerOperation<>));
        return services;
    }

    private static DatabaseOptions Database(IServiceProvider sp) => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;

    private static void AddInterceptors(IServiceProvider sp, DbContextOptionsBuilder options) =>
        options.AddInterceptors(sp.GetRequiredService<DbCommandCounter>(), sp.GetRequiredService<Features.Live.ChangeFeedInterceptor>());

    public static string SqliteConnectionString(string file) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Cache = SqliteCacheMode.Private,
        // Waits for a competing writer instead of failing at once with "database is locked".
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
