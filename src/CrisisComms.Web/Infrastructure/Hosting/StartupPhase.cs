using Microsoft.Extensions.Logging;

namespace CrisisComms.Web.Infrastructure.Hosting;

/// <summary>
/// Whether the host has finished starting. Until then the host's own "Hosting failed to start" error (with its stack
/// trace) is held back: a failure <see cref="StartupFailure"/> knows is reported as one line instead, and an unknown one
/// still ends the process with its full exception. Critical lines and everything after start-up log as usual.
/// </summary>
public sealed class StartupPhase
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private volatile bool _started;

    public bool Started => _started;

    internal void MarkStarted() => _started = true;

    private bool Allows(string? category, LogLevel level) =>
        _started || level != LogLevel.Error || !string.Equals(category, HostCategory, StringComparison.Ordinal);

    /// <summary>Registers the phase and its log filter; call once while services are registered.</summary>
    public static IServiceCollection AddStartupPhase(IServiceCollection services)
    {
        // No constructor dependencies: the logger factory needs this to be built, so it cannot need a logger itself.
        var phase = new StartupPhase();
        services.AddSingleton(phase);
        // The host logs only Debug lines besides its failures, so Warning as this rule's floor hides nothing useful.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(
            new LoggerFilterRule(null, HostCategory, LogLevel.Warning, (_, category, level) => phase.Allows(category, level))));
        services.AddHostedService<Marker>();
        return services;
    }

    private sealed class Marker(StartupPhase phase, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            lifetime.ApplicationStarted.Register(phase.MarkStarted);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
