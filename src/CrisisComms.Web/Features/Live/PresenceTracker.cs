using System.Collections.Concurrent;

namespace CrisisComms.Web.Features.Live;

/// <summary>Someone with a statement open: viewing it, or editing it with unsaved changes.</summary>
public sealed record PresenceEntry(string UserId, string Name, bool Editing, DateTimeOffset Since);

/// <summary>
/// Who has which statement open, and who is typing in it. Each open page holds a handle; disposing it
/// (page closed, circuit gone) removes the entry, and so does a lost connection until it comes back. Every change goes out on the change feed as
/// "presence.changed", so other pages show it before anyone saves.
/// With several instances (<see cref="IChangeFeed.CrossesInstances"/>) each change carries its <see cref="PresenceSignal"/>,
/// and pages open on other instances are shown too. Every <see cref="HeartbeatEvery"/> each instance says its pages are
/// still open; another instance's page not heard of for <see cref="RemoteExpiry"/> (its instance stopped or lost Redis) is dropped.
/// </summary>
public sealed class PresenceTracker : IDisposable
{
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RemoteExpiry = TimeSpan.FromSeconds(75);

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, PresenceEntry>> _open = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, RemoteEntry>> _remote = new();
    private readonly IChangeFeed _feed;
    private readonly TimeProvider _time;
    private readonly IDisposable? _otherInstances;
    private readonly ITimer? _heartbeat;

    private sealed record RemoteEntry(PresenceEntry Entry, DateTimeOffset HeardAt);

    public PresenceTracker(IChangeFeed feed, TimeProvider time)
    {
        (_feed, _time) = (feed, time);
        if (!feed.CrossesInstances) return;
        _otherInstances = feed.Subscribe(OnChangeAsync);
        _heartbeat = time.CreateTimer(_ => Heartbeat(), null, HeartbeatEvery, HeartbeatEvery);
    }

    /// <summary>Marks <paramref name="userId"/> as viewing the statement until the handle is disposed.</summary>
    public Handle Join(Guid statementId, string userId, string name)
    {
        var handle = new Handle(this, statementId, Guid.NewGuid(), userId, name);
        var entry = new PresenceEntry(userId, name, false, _time.GetUtcNow());
        _open.GetOrAdd(statementId, _ => new())[handle.Key] = entry;
        Announce(handle, entry, open: true, "opened it");
        return handle;
    }

    /// <summary>Everyone else with the statement open, here or on another instance, one entry per person (editing wins over viewing).</summary>
    public IReadOnlyList<PresenceEntry> Others(Guid statementId, string exceptUserId)
    {
        IEnumerable<PresenceEntry> here = _open.TryGetValue(statementId, out var entries) ? entries.Values : [];
        var freshAfter = _time.GetUtcNow() - RemoteExpiry;
        IEnumerable<PresenceEntry> elsewhere = _remote.TryGetValue(statementId, out var remote)
            ? remote.Values.Where(r => r.HeardAt >= freshAfter).Select(r => r.Entry)
            : [];
        return here.Concat(elsewhere).Where(e => e.UserId != exceptUserId)
            .GroupBy(e => e.UserId)
            .Select(g => g.OrderByDescending(e => e.Editing).ThenBy(e => e.Since).First())
            .OrderBy(e => e.Since).ToList();
    }

    /// <summary>When this instance last heard of a page another instance has open for <paramref name="userId"/> (for tests and diagnostics).</summary>
    internal DateTimeOffset? LastHeardFromElsewhere(Guid statementId, string userId) =>
        _remote.TryGetValue(statementId, out var entries)
            ? entries.Values.Where(r => r.Entry.UserId == userId).Select(r => (DateTimeOffset?)r.HeardAt).Max()
            : null;

    private void Update(Handle handle, bool editing)
    {
        if (!_open.TryGetValue(handle.StatementId, out var entries) || !entries.TryGetValue(handle.Key, out var entry) || entry.Editing == editing) return;
        var updated = entry with { Editing = editing, Since = editing ? _time.GetUtcNow() : entry.Since };
        entries[handle.Key] = updated;
        Announce(handle, updated, open: true, editing ? "started editing" : "stopped editing");
    }

    private void Rejoin(Handle handle, bool editing)
    {
        var entries = _open.GetOrAdd(handle.StatementId, _ => new());
        var entry = new PresenceEntry(handle.UserId, handle.Name, editing, _time.GetUtcNow());
        if (!entries.TryAdd(handle.Key, entry)) return;
        Announce(handle, entry, open: true, editing ? "came back, editing" : "came back");
    }

    private void Leave(Handle handle)
    {
        if (!_open.TryGetValue(handle.StatementId, out var entries) || !entries.TryRemove(handle.Key, out var entry)) return;
        if (entries.IsEmpty) _open.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Guid, PresenceEntry>>(handle.StatementId, entries));
        Announce(handle, entry, open: false, "closed it");
    }

    private void Announce(Handle handle, PresenceEntry entry, bool open, string what) => Announce(handle.StatementId, handle.Key, entry, open, what);

    private void Announce(Guid statementId, Guid key, PresenceEntry entry, bool open, string what, bool heartbeat = false) =>
        _feed.Publish(new ChangeEvent(0, _time.GetUtcNow(), ChangeEvent.PresenceChanged, "statement", statementId.ToString(),
            entry.UserId, entry.Name, $"{entry.Name} {what}", null, statementId)
        {
            Presence = new PresenceSignal(key, open, entry.Editing, entry.Since, heartbeat),
        });

    /// <summary>Another instance's page opened, changed, closed or is still there.</summary>
    private Task OnChangeAsync(ChangeEvent change)
    {
        if (!change.FromOtherInstance || change.Presence is not { } signal || change.StatementId is not { } statementId || change.ActorId is null)
            return Task.CompletedTask;
        var entries = _remote.GetOrAdd(statementId, _ => new());
        bool changed;
        if (signal.Open)
        {
            var entry = new PresenceEntry(change.ActorId, change.ActorName, signal.Editing, signal.Since);
            changed = !entries.TryGetValue(signal.Key, out var known) || known.Entry != entry;
            entries[signal.Key] = new RemoteEntry(entry, _time.GetUtcNow());
        }
        else
        {
            changed = entries.TryRemove(signal.Key, out _);
        }
        // Pages on this instance heard the change at the same moment as this tracker, perhaps before it was recorded here:
        // tell them again now that Others() has it. Marked as another instance's, so it is not sent back out.
        if (changed) _feed.Publish(change with { Presence = null, At = _time.GetUtcNow() });
        return Task.CompletedTask;
    }

    /// <summary>Says this instance's pages are still open, and drops other instances' pages not heard of for too long.</summary>
    private void Heartbeat()
    {
        foreach (var (statementId, entries) in _open)
            foreach (var (key, entry) in entries)
                Announce(statementId, key, entry, open: true, "still has it open", heartbeat: true);
        var staleBefore = _time.GetUtcNow() - RemoteExpiry;
        foreach (var (statementId, entries) in _remote)
        {
            var gone = entries.Where(e => e.Value.HeardAt < staleBefore).ToList();
            foreach (var (key, remote) in gone)
            {
                if (!entries.TryRemove(key, out _)) continue;
                _feed.Publish(new ChangeEvent(0, _time.GetUtcNow(), ChangeEvent.PresenceChanged, "statement", statementId.ToString(),
                    remote.Entry.UserId, remote.Entry.Name, $"{remote.Entry.Name} is no longer seen", null, statementId) { FromOtherInstance = true });
            }
        }
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        _otherInstances?.Dispose();
    }

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
