using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Publishing;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// Keeps the public side in step with what was published. On a publication or a change to a public
/// incident: evict the cached public responses at once (before the publisher's call returns), then in
/// the background write a fresh snapshot, evict again (closing the race with a request that read the
/// database just before the change) and tell open pages through /hubs/status. Bursts are coalesced.
/// With several instances, a change another instance made (heard on the change feed) evicts and refreshes this
/// instance's copy too; open pages are told only by the instance that made it — the backplane carries its
/// message to every instance's readers, and one message per change keeps a crowd's refetches to one each.
/// </summary>
public sealed class PublicStatusRefresher : BackgroundService
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IServiceScopeFactory _scopes;
    private readonly IOutputCacheStore _cache;
    private readonly IHubContext<StatusHub> _hub;
    private readonly PublicationEvents _publications;
    private readonly IncidentEvents _incidents;
    private readonly PublicSnapshotStore _snapshots;
    private readonly IOptions<StatusPageOptions> _options;
    private readonly ILogger<PublicStatusRefresher> _logger;
    private readonly IDisposable _otherInstances;
    private readonly bool _severalInstances;
    private int _tellReaders;

    public PublicStatusRefresher(IServiceScopeFactory scopes, IOutputCacheStore cache, IHubContext<StatusHub> hub, PublicationEvents publications,
        IncidentEvents incidents, PublicSnapshotStore snapshots, IOptions<StatusPageOptions> options, IChangeFeed feed, ILogger<PublicStatusRefresher> logger)
    {
        (_scopes, _cache, _hub, _publications, _incidents, _snapshots, _options, _logger) = (scopes, cache, hub, publications, incidents, snapshots, options, logger);
        _publications.Subscribe(OnPublishedAsync);
        _incidents.Subscribe(OnIncidentChangedAsync);
        _otherInstances = feed.Subscribe(OnChangeAsync);
        _severalInstances = feed.CrossesInstances;
    }

    private Task OnPublishedAsync(StatementPublished e) => ChangedAsync();

    private Task OnIncidentChangedAsync(IncidentChanged e) => e.IsPublic || e.WasPublic ? ChangedAsync() : Task.CompletedTask;

    /// <summary>What another instance published, or did to an incident (public or not: that one is not in the change).</summary>
    private Task OnChangeAsync(ChangeEvent change) =>
        change.FromOtherInstance && (change.Action == "statement.published" || change.EntityType == "incident")
            ? ChangedAsync(tellReaders: false)
            : Task.CompletedTask;

    /// <summary>Something public may have changed: stop serving cached answers now, refresh the rest soon.</summary>
    /// <param name="tellReaders">False when another instance made the change and tells open pages itself.</param>
    public async Task ChangedAsync(bool tellReaders = true)
    {
        await _cache.EvictByTagAsync(PublicEndpoints.CacheTag, CancellationToken.None);
        if (tellReaders) Interlocked.Exchange(ref _tellReaders, 1);
        _pending.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A snapshot from the first minute: the page survives a database outage even before anything is published.
        // With several instances, one starting (a rolling restart) changes nothing readers see: it must not make every
        // open page in the deployment refetch.
        Interlocked.Exchange(ref _tellReaders, _severalInstances ? 0 : 1);
        _pending.Writer.TryWrite(true);
        try
        {
            await foreach (var _ in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RefreshAsync(Interlocked.Exchange(ref _tellReaders, 0) == 1, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogWarning("The public snapshot was not refreshed; the last one stays in use ({ErrorType}: {Error})", e.GetType().Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, also when start-up failed before the host could call StopAsync: not a fault worth a stack trace.
        }
    }

    /// <summary>Renders every public route, writes the snapshot, evicts the cache and notifies open pages if anything visible changed.</summary>
    public async Task RefreshAsync(CancellationToken ct = default) => await RefreshAsync(tellReaders: true, ct);

    private async Task RefreshAsync(bool tellReaders, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var status = await scope.ServiceProvider.GetRequiredService<PublicStatusService>().LoadAsync(ct);
        var renderer = scope.ServiceProvider.GetRequiredService<PublicSiteRenderer>();
        var version = VersionOf(status);
        var previous = _snapshots.Current;
        var baseUrl = _options.Value.PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') : PublicSnapshotStore.BaseUrlPlaceholder;
        var entries = await renderer.RenderAllAsync(status, baseUrl);
        await _snapshots.WriteAsync(new PublicSnapshot(status.GeneratedAt, status.UpdatedAt, version, baseUrl, entries), ct);
        await _cache.EvictByTagAsync(PublicEndpoints.CacheTag, ct);
        if (tellReaders && previous?.Version != version)
            await _hub.Clients.All.SendAsync(StatusHub.UpdatedMessage, new PublicStatusUpdated(version, status.UpdatedAt), ct);
    }

    /// <summary>A hash of everything the public can see, so open pages are only told about real changes.</summary>
    public static string VersionOf(PublicStatus status) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { status.OrganisationName, status.Incidents })), 0, 12);

    public override void Dispose()
    {
        _publications.Unsubscribe(OnPublishedAsync);
        _incidents.Unsubscribe(OnIncidentChangedAsync);
        _otherInstances.Dispose();
        base.Dispose();
    }
}
