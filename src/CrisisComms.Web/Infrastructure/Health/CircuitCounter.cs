using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CrisisComms.Web.Infrastructure.Health;

/// <summary>How many staff Blazor circuits are open (connected or not yet expired), for diagnostics and the memory benchmark.</summary>
public sealed class CircuitCounter : CircuitHandler
{
    private int _open;
    private int _connected;

    public int Open => Volatile.Read(ref _open);
    public int Connected => Volatile.Read(ref _connected);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) { Interlocked.Increment(ref _open); return Task.CompletedTask; }
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken) { Interlocked.Decrement(ref _open); return Task.CompletedTask; }
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) { Interlocked.Increment(ref _connected); return Task.CompletedTask; }
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) { Interlocked.Decrement(ref _connected); return Task.CompletedTask; }
}
