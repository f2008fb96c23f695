using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// Counts the database commands the app sends, in total and per category (the code path that set it,
/// e.g. "public" for the status page), so "a crowd on the cached status page costs the database
/// nothing" can be measured rather than assumed. Read through the admin diagnostics endpoint.
/// </summary>
public sealed class DbCommandCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<string?> Ambient = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Commands sent until the returned scope is disposed count under <paramref name="name"/>.</summary>
    public IDisposable Category(string name)
    {
        var previous = Ambient.Value;
        Ambient.Value = name;
        return new Scope(previous);
    }

    /// <summary>"total" and one entry per category seen.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var copy = new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
        copy.TryAdd("total", 0);
        return copy;
    }

    public long Count(string category) => _counts.TryGetValue(category, out var n) ? n : 0;

    private void Hit()
    {
        _counts.AddOrUpdate("total", 1, (_, n) => n + 1);
        if (Ambient.Value is { } category) _counts.AddOrUpdate(category, 1, (_, n) => n + 1);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Hit(); return result; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Hit(); return result; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Hit(); return result; }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
