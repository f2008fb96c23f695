using CrisisComms.Web.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// Marks a DI scope as standing in for a Blazor circuit's (bunit page tests). A circuit's scope lives as long as the
/// page is open, so a DbContext resolved from it — directly or through a service — is shared by every component and
/// every live refresh on the page, and PostgreSQL fails with "A second operation was started on this context
/// instance" as soon as two of them overlap. Components take a scope per call instead (<c>PerOperation&lt;T&gt;</c>).
/// </summary>
public sealed class CircuitScopeMarker
{
    public bool IsCircuit { get; set; }
}

/// <summary>Makes resolving <see cref="AppDbContext"/> from a circuit's scope fail, naming what was wrong.</summary>
public static class CircuitScope
{
    public const string Refusal = "AppDbContext was resolved from the circuit's scope";

    /// <summary>Wraps the app's own AppDbContext registration (which picks the provider) with the check.</summary>
    internal static void Guard(IServiceCollection services)
    {
        services.AddScoped<CircuitScopeMarker>();
        var create = services.Last(d => d.ServiceType == typeof(AppDbContext)).ImplementationFactory
            ?? throw new InvalidOperationException("AppDbContext is expected to be registered with a factory (DataExtensions.AddAppData).");
        services.Replace(ServiceDescriptor.Scoped<AppDbContext>(sp =>
        {
            if (sp.GetRequiredService<CircuitScopeMarker>().IsCircuit)
                throw new InvalidOperationException(
                    $"{Refusal}: a component injected a DbContext-backed service, which would then live (and be shared) for " +
                    "the whole circuit. Inject PerOperation<TService> instead.");
            return (AppDbContext)create(sp);
        }));
    }

    /// <summary>A scope of <paramref name="app"/> that refuses to hand out a DbContext, as a circuit's should never need one.</summary>
    public static IServiceScope Create(AppFactory app)
    {
        var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CircuitScopeMarker>().IsCircuit = true;
        return scope;
    }
}
