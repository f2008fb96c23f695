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

    /// <summary>On "presence.changed": the page's presence as it now is, so other instances can show it too.
    /// Left out of JSON when null, so the "change" messages of /hubs/changes keep their shape.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PresenceSignal? Presence { get; init; }

    public bool IsAbout(Guid id) => IncidentId == id || StatementId == id || EntityId == id.ToString();

    public bool IsAccountChange => Action.StartsWith("account.", StringComparison.Ordinal);
    public bool IsPresence => Action == PresenceChanged;
}

/// <summary>
/// One open page's presence on a statement (<see cref="Key"/> identifies the page): open or closed, editing or not.
/// <see cref="Heartbeat"/>: nothing changed, the page is still open (sent between instances so they can tell a page
/// that is still there from one whose instance went away).
/// </summary>
public sealed record PresenceSignal(Guid Key, bool Open, bool Editing, DateTimeOffset Since, bool Heartbeat = false);
