using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Features.Audit;

/// <summary>Result of checking the whole chain.</summary>
public sealed record AuditVerification(bool Ok, long Entries, long? FirstBrokenSeq, string Message);

/// <summary>
/// The audit hash chain: how an entry's hash is computed, how new entries are linked while being
/// saved, and how the chain is verified. SHA-256 over the previous hash and the entry's fields.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(AuditEntry e, string prevHash)
    {
        var canonical = string.Join('\u001f',
            e.Seq.ToString(CultureInfo.InvariantCulture),
            e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.ActorId ?? "", e.ActorName, e.Action, e.EntityType, e.EntityId, e.Summary, prevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Links the entries about to be inserted onto the chain. Runs inside the saving transaction,
    /// after locking the head row, so two writers can never link onto the same previous entry.
    /// </summary>
    internal static async Task LinkAsync(AppDbContext db, IReadOnlyList<AuditEntry> added, CancellationToken ct)
    {
        // Taking the head row's write lock first serialises concurrent writers (PostgreSQL row
        // lock; SQLite transactions from Microsoft.Data.Sqlite are BEGIN IMMEDIATE already).
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.Seq, h => h.Seq), ct);
        var head = await db.AuditHeads.AsNoTracking().SingleAsync(h => h.Id == 1, ct);
        var (seq, hash) = (head.Seq, head.Hash);
        foreach (var entry in added.OrderBy(e => e.RecordedOrder))
        {
            entry.Seq = ++seq;
            entry.PrevHash = hash;
            entry.Hash = hash = Compute(entry, entry.PrevHash);
        }
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.Seq, seq).SetProperty(h => h.Hash, hash), ct);
    }

    /// <summary>Entries written before the chain existed (empty hash) are linked once, in the order they were written.</summary>
    internal static async Task SealUnlinkedAsync(AppDbContext db, CancellationToken ct = default)
    {
        if (!await db.AuditEntries.AnyAsync(a => a.Hash == "", ct)) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entries = await db.AuditEntries.OrderBy(a => a.Id).ToListAsync(ct);
        var hash = Genesis;
        long seq = 0;
        foreach (var e in entries)
        {
            e.Seq = ++seq;
            e.PrevHash = hash;
            e.Hash = hash = Compute(e, e.PrevHash);
        }
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.Seq, seq).SetProperty(h => h.Hash, hash), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Walks the chain in order; names the first entry whose hash, link or position is wrong.</summary>
    public static async Task<AuditVerification> VerifyAsync(AppDbContext db, CancellationToken ct = default)
    {
        var expectedPrev = Genesis;
        long expectedSeq = 1;
        long count = 0;
        await foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(a => a.Seq).ThenBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (e.Seq != expectedSeq)
                return new(false, count, e.Seq < expectedSeq ? e.Seq : expectedSeq,
                    e.Seq < expectedSeq ? $"Entry {e.Seq} appears twice." : $"Entry {expectedSeq} is missing (the next one is {e.Seq}).");
            if (e.PrevHash != expectedPrev)
                return new(false, count, e.Seq, $"Entry {e.Seq} does not link to the entry before it.");
            if (Compute(e, e.PrevHash) != e.Hash)
                return new(false, count, e.Seq, $"Entry {e.Seq} ({e.Action}) was changed after it was written.");
            expectedPrev = e.Hash;
            expectedSeq++;
        }
        var head = await db.AuditHeads.AsNoTracking().SingleOrDefaultAsync(h => h.Id == 1, ct);
        if (head is null || head.Seq != expectedSeq - 1 || head.Hash != expectedPrev)
            return new(false, count, expectedSeq, $"The chain ends at entry {expectedSeq - 1}, but {head?.Seq ?? 0} entries were written: the last ones were removed.");
        return new(true, count, null, $"All {count} entries are intact.");
    }
}
