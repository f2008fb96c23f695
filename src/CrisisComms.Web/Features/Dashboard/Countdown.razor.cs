using Microsoft.AspNetCore.Components;

namespace CrisisComms.Web.Features.Dashboard;

/// <summary>
/// Time left until <see cref="Due"/>, ticking every second on the injected <see cref="TimeProvider"/>
/// (so tests move it with a fake clock). Only this component re-renders on a tick.
/// </summary>
public sealed partial class Countdown : ComponentBase, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Parameter, EditorRequired] public DateTimeOffset Due { get; set; }
    [Parameter] public CountdownKind Kind { get; set; }
    /// <summary>Shown on hover: the absolute time, in the organisation's zone.</summary>
    [Parameter] public string? Title { get; set; }

    private ITimer? _timer;
    private TimeSpan _remaining;
    private bool _disposed;

    protected override void OnParametersSet()
    {
        _remaining = Due - Clock.GetUtcNow();
        // Tick on the due time's second boundaries, so "0:01" turns into "due" exactly on time.
        var first = TimeSpan.FromTicks(_remaining.Ticks % Tick.Ticks);
        if (first <= TimeSpan.Zero) first += Tick;
        if (_timer is null) _timer = Clock.CreateTimer(_ => _ = OnTickAsync(), null, first, Tick);
        else _timer.Change(first, Tick);
    }

    private async Task OnTickAsync()
    {
        if (_disposed) return;
        try
        {
            await InvokeAsync(() =>
            {
                if (_disposed) return;
                _remaining = Due - Clock.GetUtcNow();
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the tick and the render.
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer?.Dispose();
        _timer = null;
    }
}
