using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Options;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Publishing;

public static class PublishingExtensions
{
    /// <summary>Publishing, the timer, and Hangfire: on in-memory storage with SQLite (one instance; jobs are re-armed from the
    /// database on start), on PostgreSQL beside the data with Database:Provider=Postgres (shared by every instance).</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddValidatedOptions<PublishingOptions>();
        services.AddSingleton<PublicationEvents>();
        services.AddSingleton<PublishingHealth>();
        services.AddSingleton<PublishGate>();
        services.AddScoped<PublishingService>();
        services.AddScoped<DemoPublicationSeeder>();
        services.AddScoped<PublishJob>();
        services.AddSingleton<PublishClock>();
        services.AddSingleton<IPublishTriggers>(sp => sp.GetRequiredService<PublishClock>());
        services.AddHostedService(sp => sp.GetRequiredService<PublishClock>());

        // One storage per app host (not Hangfire's static JobStorage.Current), so two hosts in one
        // process — as in the tests — never run each other's jobs.
        services.AddSingleton<JobStorage>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value is { IsPostgres: true } db
            ? PostgresJobStorage(db.ConnectionString!)
            : new InMemoryStorage(new InMemoryStorageOptions()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            // Hangfire keeps its log provider in a static. The default one borrows this host's
            // ILoggerFactory, which breaks every other host in the process once this one stops
            // (the tests run many). Warnings go to the console instead.
            .UseLogProvider(new Hangfire.Logging.LogProviders.ColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn)));
        services.AddHangfireServer((sp, server) =>
        {
            var opts = sp.GetRequiredService<IOptions<PublishingOptions>>().Value;
            server.SchedulePollingInterval = opts.HangfirePollingInterval;
            server.WorkerCount = opts.Workers;
        });
        services.AddSingleton<RetryFilter>();
        return services;
    }

    /// <summary>
    /// Hangfire's tables in the app's PostgreSQL database (schema "hangfire", created on first start). Every instance's
    /// Hangfire server shares them, and a job is handed to one worker at a time; the publish itself is idempotent, so
    /// a statement goes out once however many instances try. LISTEN/NOTIFY wakes a waiting worker when a job is
    /// queued, instead of it polling the queue table every few seconds.
    /// </summary>
    internal static PostgreSqlStorage PostgresJobStorage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            EnableLongPolling = true,
            PrepareSchemaIfNecessary = false, // installed by the database initialiser, one instance at a time
            SchemaName = JobSchema,
            // A worker that died mid-job gives it back after this; publishing takes milliseconds.
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            UseSlidingInvisibilityTimeout = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    private const string JobSchema = "hangfire";

    /// <summary>Creates or upgrades Hangfire's tables in schema "hangfire".</summary>
    internal static void InstallPostgresJobStorage(Npgsql.NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, JobSchema);

    private static readonly Lock GlobalFiltersLock = new();

    /// <summary>The read-only, admin-only Hangfire dashboard at /hangfire, and the staff API for publishing.</summary>
    public static IEndpointRouteBuilder MapPublishing(this WebApplication app)
    {
        // Retries within seconds (Publishing:RetryDelaysSeconds), not Hangfire's default hours. Hangfire's filter list is
        // a static, unsynchronised List: hosts starting side by side in one process (the tests) would corrupt it.
        lock (GlobalFiltersLock)
        {
            GlobalJobFilters.Filters.Remove(typeof(AutomaticRetryAttribute));
            GlobalJobFilters.Filters.Add(app.Services.GetRequiredService<RetryFilter>().Attribute);
        }

        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboard()],
            AsyncAuthorization = [],
            IsReadOnlyFunc = _ => true,       // no trigger, requeue or delete: nothing can publish early from here
            DashboardTitle = "CrisisComms jobs",
            AppPath = "/dashboard",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>())
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Admin))
            .WithInputGuard();
        app.MapPublishingApi();
        return app;
    }

    /// <summary>Checked on every dashboard request, including behind a reverse proxy where every request looks local.</summary>
    private sealed class AdminOnlyDashboard : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(StaffRoles.Admin);
    }

    internal sealed class RetryFilter(IOptions<PublishingOptions> options)
    {
        public AutomaticRetryAttribute Attribute { get; } = new()
        {
            Attempts = options.Value.RetryDelaysSeconds.Length,
            DelaysInSeconds = options.Value.RetryDelaysSeconds,
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        };
    }
}
