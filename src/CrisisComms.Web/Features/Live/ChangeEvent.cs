namespace CrisisComms.Web.Features.Live;

/// <summary>
/// Something changed: one committed audit entry (every state change writes exactly one), or a
/// presence change (who is looking at or editing a statement), which is not audited.
/// <see cref="IncidentId"/> and <see cref="StatementId"/> say what it is about, so a page can tell
/// at a glance whether it shows it.
/// </summary>
public sealed record ChangeEvent(
    long Seq, DateTimeOffset At, string Action, string EntityType, string EntityId,
    string? ActorId, string ActorName, string Summary, Guid? IncidentId, Guid? StatementId)
{
    public const string PresenceChanged = "presence.changed";

    /// <summary>
    /// Committed by another instance and brought here by the Redis change feed. Not sent to clients: whatever
    /// forwards changes across instances by itself (the SignalR backplane) forwards only this instance's own.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FromOtherInstance { get; init; }

    public bool IsAbout(Guid id) => IncidentId == id || StatementId == id || EntityId == id.ToString();

    public bool IsAccountChange => Action.StartsWith("account.", StringComparison.Ordinal);
    public bool IsPresence => Action == PresenceChanged;
}
