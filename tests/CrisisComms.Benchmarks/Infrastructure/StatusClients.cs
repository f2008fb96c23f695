using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Benchmarks;

/// <summary>
/// N anonymous clients of the public hub (/hubs/status), WebSockets only, as open status pages are. Its only message,
/// <c>"updated"</c>, names no statement, so <see cref="Expect"/> arms a watch for the next one: every client stamps the
/// first <c>"updated"</c> it receives after that (<see cref="Stopwatch"/> ticks). The caller waits for each event to
/// reach everyone before it causes the next, so a message is not taken for the wrong event.
/// </summary>
public sealed class StatusClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private ChangeClients.Watch? _watch;
    private long _messages;
    private int _closed;

    public int Count => _connections.Count;

    /// <summary>"updated" messages received by all clients together since they connected (one per client per change is expected).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Connections that closed after they were started.</summary>
    public int Closed => Volatile.Read(ref _closed);

    public static async Task<StatusClients> ConnectAsync(Uri hubUrl, int count, int parallel, CancellationToken ct)
    {
        var clients = new StatusClients();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(hubUrl, o => o.Transports = HttpTransportType.WebSockets)
                    .Build();
                var index = i;
                connection.On<System.Text.Json.JsonElement>("updated", _ => clients.OnUpdated(index));
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

    /// <summary>Arms the watch for the next "updated"; replaces the previous one.</summary>
    public ChangeClients.Watch Expect()
    {
        var watch = new ChangeClients.Watch(Guid.Empty, "updated", _connections.Count);
        Volatile.Write(ref _watch, watch);
        return watch;
    }

    private void OnUpdated(int index)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _messages);
        Volatile.Read(ref _watch)?.Received(index, now);
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
}
