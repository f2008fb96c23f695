using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Benchmarks;

/// <summary>
/// N SignalR clients of one hub (the app's /hubs/changes or the bare hub), WebSockets only, each listening for
/// <c>"change"</c>. <see cref="Expect"/> arms a watch for one event (statement id + action); every client stamps
/// the moment it received it (<see cref="Stopwatch"/> ticks), the first time only.
/// </summary>
public sealed class ChangeClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private Watch? _watch;
    private int _closed;

    private ChangeClients(string name) => Name = name;

    public string Name { get; }
    public int Count => _connections.Count;

    /// <summary>Connections that closed after they were started (server timeout, errors).</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>
    /// Opens <paramref name="count"/> connections to <paramref name="hubUrl"/>, <paramref name="parallel"/> at a time;
    /// client i uses <paramref name="tokens"/>[i % n] as its bearer token (none when the list is empty).
    /// </summary>
    public static async Task<ChangeClients> ConnectAsync(string name, Uri hubUrl, int count, IReadOnlyList<string> tokens, int parallel, CancellationToken ct)
    {
        var clients = new ChangeClients(name);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var token = tokens.Count == 0 ? null : tokens[i % tokens.Count];
                var connection = new HubConnectionBuilder()
                    .WithUrl(hubUrl, o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    })
                    .Build();
                var index = i;
                connection.On<JsonElement>("change", e => clients.OnChange(index, e));
                connection.Closed += _ =>
                {
                    Interlocked.Increment(ref clients._closed);
                    return Task.CompletedTask;
                };
                clients._connections.Add(connection);
            }
            await Parallel.ForEachAsync(clients._connections, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
                async (c, token) => await c.StartAsync(token));
            return clients;
        }
        catch
        {
            await clients.DisposeAsync();
            throw;
        }
    }

    /// <summary>Arms the watch for the next event about <paramref name="statementId"/> with <paramref name="action"/>; replaces the previous one.</summary>
    public Watch Expect(Guid statementId, string action)
    {
        var watch = new Watch(statementId, action, _connections.Count);
        Volatile.Write(ref _watch, watch);
        return watch;
    }

    private void OnChange(int index, JsonElement change)
    {
        var now = Stopwatch.GetTimestamp();
        var watch = Volatile.Read(ref _watch);
        if (watch is null) return;
        if (!change.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String || action.GetString() != watch.Action) return;
        if (!change.TryGetProperty("statementId", out var id) || id.ValueKind != JsonValueKind.String || !id.TryGetGuid(out var statementId) || statementId != watch.StatementId) return;
        watch.Received(index, now);
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) =>
        {
            try { await c.DisposeAsync(); }
            catch (Exception e) when (e is not OutOfMemoryException) { } // going away anyway
        });
        _connections.Clear();
    }

    /// <summary>One awaited event: when each client received it (0 = not yet).</summary>
    public sealed class Watch(Guid statementId, string action, int clients)
    {
        private readonly long[] _receivedAt = new long[clients];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Guid StatementId { get; } = statementId;
        public string Action { get; } = action;
        public int Clients => _receivedAt.Length;
        public int ReceivedCount => Volatile.Read(ref _count);

        internal void Received(int index, long timestamp)
        {
            if (Interlocked.CompareExchange(ref _receivedAt[index], timestamp, 0) != 0) return;
            if (Interlocked.Increment(ref _count) == _receivedAt.Length) _all.TrySetResult();
        }

        /// <summary>Waits until every client has it or <paramref name="timeout"/> passes; true when all did.</summary>
        public async Task<bool> WaitAllAsync(TimeSpan timeout, CancellationToken ct)
        {
            if (_receivedAt.Length == 0) return true;
            try
            {
                await _all.Task.WaitAsync(timeout, ct);
                return true;
            }
            catch (TimeoutException) { return false; }
        }

        /// <summary>Milliseconds from <paramref name="sentTimestamp"/> to each client's receipt, for the clients that got it.</summary>
        public IReadOnlyList<double> LatenciesMs(long sentTimestamp) =>
            [.. _receivedAt.Where(t => t != 0).Select(t => Stopwatch.GetElapsedTime(sentTimestamp, t).TotalMilliseconds)];
    }
}
