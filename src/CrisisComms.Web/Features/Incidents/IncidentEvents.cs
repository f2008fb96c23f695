namespace CrisisComms.Web.Features.Incidents;

/// <summary>Raised once after an incident's change is committed (what the public sees may have changed).</summary>
public sealed record IncidentChanged(Guid IncidentId, bool IsPublic, bool WasPublic);

/// <summary>The "incident changed" event, in process. Subscribers must not throw into the service that raised it.</summary>
public sealed class IncidentEvents(ILogger<IncidentEvents> logger) : Infrastructure.Events.InProcessEvent<IncidentChanged>(logger);
