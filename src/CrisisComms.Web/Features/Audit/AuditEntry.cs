namespace CrisisComms.Web.Features.Audit;

/// <summary>
/// One recorded change: who did what to which entity, and when. Append-only; written in the
/// same transaction as the change it records. (Hash chaining arrives with the sign-off work.)
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>User id of the actor, or null for the system (seeding, command line).</summary>
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    /// <summary>Dotted verb, e.g. "account.created", "account.role-added", "auth.sign-in-failed".</summary>
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>Human-readable before/after summary. Never holds secrets.</summary>
    public string Summary { get; set; } = "";
}
