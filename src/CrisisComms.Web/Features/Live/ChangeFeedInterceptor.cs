using System.Data.Common;
using System.Runtime.CompilerServices;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// Turns every audit entry into a <see cref="ChangeEvent"/> — after it is committed, never before:
/// a change inside a transaction is held until the commit and dropped on a rollback, so no screen
/// ever shows something the database does not have.
/// </summary>
public sealed class ChangeFeedInterceptor(IChangeFeed feed) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<ChangeEvent>> _pending = new();
    private readonly ConditionalWeakTable<DbContext, List<ChangeEvent>> _saving = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Capture(context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) Capture(context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Saved(context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context) Saved(context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context) _saving.Remove(context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) _saving.Remove(context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context) Flush(context);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Flush(context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context) _pending.Remove(context);
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) _pending.Remove(context);
        return Task.CompletedTask;
    }

    private void Capture(DbContext context)
    {
        var added = context.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0) return;
        var statements = context.ChangeTracker.Entries<Statement>().Select(e => e.Entity).ToDictionary(s => s.Id.ToString());
        _saving.AddOrUpdate(context, added.Select(a =>
        {
            Guid? incident = null, statement = null;
            if (a.EntityType == "statement" && Guid.TryParse(a.EntityId, out var sid))
            {
                statement = sid;
                // The statement is tracked whenever a service changed it; a failure note written after
                // clearing the tracker carries the statement alone.
                incident = statements.TryGetValue(a.EntityId, out var s) ? s.IncidentId : null;
            }
            else if (a.EntityType == "incident" && Guid.TryParse(a.EntityId, out var iid)) incident = iid;
            return new ChangeEvent(a.Seq, a.At, a.Action, a.EntityType, a.EntityId, a.ActorId, a.ActorName, a.Summary, incident, statement);
        }).ToList());
    }

    private void Saved(DbContext context)
    {
        if (!_saving.TryGetValue(context, out var changes)) return;
        _saving.Remove(context);
        if (context.Database.CurrentTransaction is null)
        {
            foreach (var c in changes) feed.Publish(c);
            return;
        }
        _pending.GetOrCreateValue(context).AddRange(changes);
    }

    private void Flush(DbContext context)
    {
        if (!_pending.TryGetValue(context, out var changes)) return;
        _pending.Remove(context);
        foreach (var c in changes) feed.Publish(c);
    }
}
