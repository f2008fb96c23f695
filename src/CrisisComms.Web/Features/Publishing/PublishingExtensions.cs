using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Options;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Publishing;

public static class PublishingExtensions
{
    /// <summary>Publishing, the timer, and Hangfire on in-memory storage (jobs are re-armed from the database on start).</summary>
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

        // One storage per app instance (not Hangfire's static JobStorage.Current), so two hosts in one
        // process — as in the tests — never run each other's jobs.
        services.AddSingleton<JobStorage>(_ => new InMemoryStorage(new InMemoryStorageOptions()));
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
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Admin));
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
