using CrisisComms.Web.Features.Live;
using Microsoft.AspNetCore.Components;

namespace CrisisComms.Web.Components.Shared;

/// <summary>
/// A staff component that keeps itself current: it subscribes to the change feed when it first gets
/// its parameters and unsubscribes when it is disposed. For every committed change it
/// <see cref="Shows"/>, it reloads (<see cref="RefreshAsync"/>) on its own render thread and
/// highlights what changed for a moment (<see cref="IsHighlighted"/> → CSS class "live-flash").
/// </summary>
/// <remarks>
/// One component's refreshes run one after another (the feed hands each subscriber its changes in order and waits for
/// each), but they overlap with the user's own actions on the page and with other components' loads. That is safe only
/// because nothing on a page shares a DbContext: components call services through
/// <see cref="Infrastructure.Data.PerOperation{TService}"/>, a scope and DbContext per call.
/// </remarks>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    /// <summary>How long a changed item stays highlighted.</summary>
    public static readonly TimeSpan HighlightFor = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, long> _highlighted = new(StringComparer.Ordinal);
    /// <summary>Cancelled on dispose, so no pending un-highlight timer keeps a closed page alive.</summary>
    private readonly CancellationTokenSource _life = new();
    private IDisposable? _subscription;
    private bool _disposed;
    private long _generation;

    [Inject] private IChangeFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        if (_subscription is null && !_disposed) _subscription = Feed.Subscribe(OnChangeAsync);
        return base.SetParametersAsync(parameters);
    }

    /// <summary>Whether this component shows what <paramref name="change"/> is about.</summary>
    protected abstract bool Shows(ChangeEvent change);

    /// <summary>
    /// Reloads what the component shows. Runs on the component's dispatcher, possibly while one of the component's own
    /// actions or loads is awaiting the database: a load that can be overtaken should let only the latest one show.
    /// </summary>
    protected abstract Task RefreshAsync(ChangeEvent change);

    /// <summary>The key an item is highlighted by after a change; by default the changed entity's id.</summary>
    protected virtual string HighlightKey(ChangeEvent change) => change.EntityId;

    /// <summary>True for a moment after a change to the item with this key arrived.</summary>
    protected bool IsHighlighted(string key) => _highlighted.ContainsKey(key);

    /// <summary>"live-flash" while the item is highlighted, else empty: for a class attribute.</summary>
    protected string FlashClass(string key) => IsHighlighted(key) ? "live-flash" : "";

    private async Task OnChangeAsync(ChangeEvent change)
    {
        // Presence (who is viewing or typing) is for PresenceBar; pages reload only on real changes.
        if (_disposed || change.IsPresence || !Shows(change)) return;
        try
        {
            await InvokeAsync(async () =>
            {
                if (_disposed) return;
                await RefreshAsync(change);
                if (_disposed) return;
                var key = HighlightKey(change);
                var generation = ++_generation;
                _highlighted[key] = generation;
                // The timer starts before the render: whoever sees the highlight may already move the clock on.
                _ = UnhighlightLaterAsync(key, generation, _life.Token);
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the change and the render: nothing to update.
        }
    }

    private async Task UnhighlightLaterAsync(string key, long generation, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(HighlightFor, Clock, cancel);
            await InvokeAsync(() =>
            {
                if (_disposed || !_highlighted.TryGetValue(key, out var g) || g != generation) return;
                _highlighted.Remove(key);
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException) { }
        catch (OperationCanceledException) { }
    }

    public virtual void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _subscription?.Dispose();
        _subscription = null;
        _life.Cancel();
        _life.Dispose();
        GC.SuppressFinalize(this);
    }
}
