namespace CrisisComms.Web.Features.Audit;

/// <summary>
/// One recorded change: who did what to which entity, and when. Append-only and hash-chained:
/// each entry's hash covers the previous entry's hash and this entry's canonical content, so
/// changing, deleting or inserting a row breaks the chain at that row. Written in the same
/// transaction as the change it records.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    /// <summary>Position in the chain: 1, 2, 3 … with no gaps.</summary>
    public long Seq { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>User id of the actor, or null for the system (seeding, command line).</summary>
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    /// <summary>Dotted verb, e.g. "account.created", "statement.approved", "auth.sign-in-failed".</summary>
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>Human-readable before/after summary. Never holds secrets.</summary>
    public string Summary { get; set; } = "";
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";

    /// <summary>Order of recording within one unit of work (not stored).</summary>
    internal long RecordedOrder { get; set; }
}

/// <summary>The end of the chain: the last sequence number and hash. One row; updating it serialises writers.</summary>
public sealed class AuditHead
{
    public int Id { get; set; } = 1;
    public long Seq { get; set; }
    public string Hash { get; set; } = AuditChain.Genesis;
}
