using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// Whether this circuit's browser is connected right now (scoped: one per circuit). A closed laptop lid or a lost
/// network keeps the circuit for minutes in case it comes back, but others should not see that person "viewing".
/// </summary>
public sealed class CircuitConnection
{
    public bool IsUp { get; private set; } = true;

    /// <summary>Raised with the new state when the connection drops or comes back.</summary>
    public event Action<bool>? Changed;

    internal void Set(bool up)
    {
        if (IsUp == up) return;
        IsUp = up;
        Changed?.Invoke(up);
    }
}

/// <summary>Feeds <see cref="CircuitConnection"/> from Blazor's own connection events (resolved in each circuit's scope).</summary>
internal sealed class CircuitConnectionHandler(CircuitConnection connection) : CircuitHandler
{
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connection.Set(false);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connection.Set(true);
        return Task.CompletedTask;
    }
}
