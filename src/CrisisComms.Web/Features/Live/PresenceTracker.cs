using System.Collections.Concurrent;

namespace CrisisComms.Web.Features.Live;

/// <summary>Someone with a statement open: viewing it, or editing it with unsaved changes.</summary>
public sealed record PresenceEntry(string UserId, string Name, bool Editing, DateTimeOffset Since);

/// <summary>
/// Who has which statement open, and who is typing in it. Each open page holds a handle; disposing it
/// (page closed, circuit gone) removes the entry, and so does a lost connection until it comes back. Every change goes out on the change feed as
/// "presence.changed", so other pages show it before anyone saves.
/// </summary>
public sealed class PresenceTracker(IChangeFeed feed, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, PresenceEntry>> _open = new();

    /// <summary>Marks <paramref name="userId"/> as viewing the statement until the handle is disposed.</summary>
    public Handle Join(Guid statementId, string userId, string name)
    {
        var handle = new Handle(this, statementId, Guid.NewGuid(), userId, name);
        _open.GetOrAdd(statementId, _ => new())[handle.Key] = new PresenceEntry(userId, name, false, time.GetUtcNow());
        Announce(statementId, userId, name, "opened it");
        return handle;
    }

    /// <summary>Everyone else with the statement open, one entry per person (editing wins over viewing).</summary>
    public IReadOnlyList<PresenceEntry> Others(Guid statementId, string exceptUserId) =>
        _open.TryGetValue(statementId, out var entries)
            ? entries.Values.Where(e => e.UserId != exceptUserId)
                .GroupBy(e => e.UserId)
                .Select(g => g.OrderByDescending(e => e.Editing).ThenBy(e => e.Since).First())
                .OrderBy(e => e.Since).ToList()
            : [];

    private void Update(Handle handle, bool editing)
    {
        if (!_open.TryGetValue(handle.StatementId, out var entries) || !entries.TryGetValue(handle.Key, out var entry) || entry.Editing == editing) return;
        entries[handle.Key] = entry with { Editing = editing, Since = editing ? time.GetUtcNow() : entry.Since };
        Announce(handle.StatementId, handle.UserId, handle.Name, editing ? "started editing" : "stopped editing");
    }

    private void Rejoin(Handle handle, bool editing)
    {
        var entries = _open.GetOrAdd(handle.StatementId, _ => new());
        if (!entries.TryAdd(handle.Key, new PresenceEntry(handle.UserId, handle.Name, editing, time.GetUtcNow()))) return;
        Announce(handle.StatementId, handle.UserId, handle.Name, editing ? "came back, editing" : "came back");
    }

    private void Leave(Handle handle)
    {
        if (!_open.TryGetValue(handle.StatementId, out var entries) || !entries.TryRemove(handle.Key, out _)) return;
        if (entries.IsEmpty) _open.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Guid, PresenceEntry>>(handle.StatementId, entries));
        Announce(handle.StatementId, handle.UserId, handle.Name, "closed it");
    }

    private void Announce(Guid statementId, string userId, string name, string what) =>
        feed.Publish(new ChangeEvent(0, time.GetUtcNow(), ChangeEvent.PresenceChanged, "statement", statementId.ToString(), userId, name, $"{name} {what}", null, statementId));

    /// <summary>One open page's presence on one statement.</summary>
    public sealed class Handle(PresenceTracker tracker, Guid statementId, Guid key, string userId, string name) : IDisposable
    {
        private int _disposed;
        public Guid StatementId { get; } = statementId;
        internal Guid Key { get; } = key;
        internal string UserId { get; } = userId;
        internal string Name { get; } = name;

        private int _away;
        private bool _editing;

        public void SetEditing(bool editing)
        {
            _editing = editing;
            if (Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _away) == 0) tracker.Update(this, editing);
        }

        /// <summary>
        /// The page's browser lost its connection (<see cref="CircuitConnection"/>): others stop seeing this person
        /// until it comes back, rather than for the minutes the server keeps a disconnected circuit.
        /// </summary>
        public void SetConnected(bool connected)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            if (!connected && Interlocked.Exchange(ref _away, 1) == 0) tracker.Leave(this);
            else if (connected && Interlocked.Exchange(ref _away, 0) == 1) tracker.Rejoin(this, _editing);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) tracker.Leave(this);
        }
    }
}
