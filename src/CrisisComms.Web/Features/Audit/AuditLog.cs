using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Web.Features.Audit;

/// <summary>Who is acting: a signed-in user or the system itself.</summary>
public sealed record AuditActor(string? UserId, string Name)
{
    public static readonly AuditActor System = new(null, "system");
}

/// <summary>
/// Adds audit entries to the current unit of work. The caller's SaveChanges writes them together
/// with the change they describe, so there is never a change without its entry or the reverse.
/// </summary>
public sealed class AuditLog(AppDbContext db, TimeProvider time)
{
    private long _order;

    public AuditEntry Record(AuditActor actor, string action, string entityType, string entityId, string summary)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorId = actor.UserId,
            ActorName = actor.Name,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Summary = summary.Length <= 4000 ? summary : summary[..3997] + "...",
            RecordedOrder = Interlocked.Increment(ref _order),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}
