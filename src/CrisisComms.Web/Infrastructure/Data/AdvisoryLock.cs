using System.Data.Common;

namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// A PostgreSQL session advisory lock: instances sharing one database take turns on <c>key</c> while <c>work</c> runs.
/// The lock belongs to <c>connection</c>'s session, which must stay open throughout (a connection that dies releases it).
/// </summary>
public static class AdvisoryLock
{
    public static async Task<T> HoldAsync<T>(DbConnection connection, long key, Func<Task<T>> work, CancellationToken ct = default)
    {
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({key})", ct);
        try
        {
            return await work();
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({key})", CancellationToken.None);
        }
    }

    public static Task HoldAsync(DbConnection connection, long key, Func<Task> work, CancellationToken ct = default) =>
        HoldAsync(connection, key, async () => { await work(); return true; }, ct);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql; // the key is a long, never text from outside
        await command.ExecuteNonQueryAsync(ct);
    }
}
