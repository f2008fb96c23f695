using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrisisComms.Web.Infrastructure.Health;

/// <summary>Ready = the database answers and has every migration applied.</summary>
internal sealed class DatabaseReadyCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("The database cannot be reached.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable, migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database check failed: " + e.GetType().Name);
        }
    }
}

public static class HealthExtensions
{
    public static IServiceCollection AddAppHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        services.AddSingleton<CircuitCounter>();
        services.AddSingleton<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitCounter>());
        return services;
    }

    /// <summary>/healthz: the process answers. /readyz: it can do its job (database ready).</summary>
    public static IEndpointRouteBuilder MapAppHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

        // Admin only: counters that let an operator (and the benchmarks) see what a crowd costs the database.
        app.MapStaffApiGroup().MapGet("/diagnostics", async (ClaimsPrincipal user, StaffAuthorizer authorizer, DbCommandCounter commands,
            CircuitCounter circuits, bool? collect) =>
        {
            await authorizer.RequireAsync(user, StaffRoles.Admin);
            return TypedResults.Ok(new
            {
                databaseCommands = commands.Snapshot(),
                circuits = new { open = circuits.Open, connected = circuits.Connected },
                // collect=true forces a full garbage collection first, so the figure is live objects only (costly: for measurements).
                managedBytes = GC.GetTotalMemory(forceFullCollection: collect == true),
            });
        }).WithTags("Diagnostics").WithSummary("Database commands since start (total; \"public\" = status page requests), open staff circuits and managed memory (collect=true: after a full GC). Admin only.");
        return app;
    }
}
