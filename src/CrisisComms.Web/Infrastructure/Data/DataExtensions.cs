using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>Resolved locations inside Storage:DataDirectory.</summary>
public sealed class DataPaths(IOptions<StorageOptions> storage, IHostEnvironment env)
{
    public string Root { get; } = Path.GetFullPath(Path.Combine(env.ContentRootPath, storage.Value.DataDirectory));
    public string DatabaseFile => Path.Combine(Root, "crisiscomms.db");
    public string KeysDirectory => Path.Combine(Root, "keys");
}

public static class DataExtensions
{
    /// <summary>The database (SQLite in the data folder unless Database:ConnectionString says otherwise) and data-protection keys beside it.</summary>
    public static IServiceCollection AddAppData(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>();
        services.AddValidatedOptions<DatabaseOptions>();
        services.AddSingleton<DataPaths>();
        services.AddSingleton<DbCommandCounter>();

        services.AddDbContext<AppDbContext>((sp, options) =>
        {
            var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var paths = sp.GetRequiredService<DataPaths>();
            options.UseSqlite(string.IsNullOrWhiteSpace(db.ConnectionString) ? SqliteConnectionString(paths.DatabaseFile) : db.ConnectionString);
            options.AddInterceptors(sp.GetRequiredService<DbCommandCounter>(), sp.GetRequiredService<Features.Live.ChangeFeedInterceptor>());
        });

        // Keys in the data folder so sign-in cookies and tokens survive a restart.
        services.AddDataProtection().SetApplicationName("CrisisComms");
        services.AddOptions<KeyManagementOptions>().Configure<DataPaths>((o, paths) =>
            o.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                new DirectoryInfo(paths.KeysDirectory), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

        services.AddScoped<DatabaseInitialiser>();
        services.AddSingleton(typeof(PerOperation<>));
        return services;
    }

    public static string SqliteConnectionString(string file) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Cache = SqliteCacheMode.Private,
        // Waits for a competing writer instead of failing at once with "database is locked".
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
