namespace CrisisComms.Web.Features.Incidents;

/// <summary>Raised once after an incident's change is committed (what the public sees may have changed).</summary>
public sealed record IncidentChanged(Guid IncidentId, bool IsPublic, bool WasPublic);

/// <summary>The "incident changed" event, in process. Subscribers must not throw into the service that raised it.</summary>
public sealed class IncidentEvents(ILogger<IncidentEvents> logger)
{
    public event Func<IncidentChanged, Task>? Changed;

    public async Task RaiseAsync(IncidentChanged e)
    {
        foreach (var handler in Changed?.GetInvocationList().Cast<Func<IncidentChanged, Task>>() ?? [])
        {
            try { await handler(e); }
            catch (Exception ex) { logger.LogError(ex, "A listener failed on incident {IncidentId} changed", e.IncidentId); }
        }
    }
}
