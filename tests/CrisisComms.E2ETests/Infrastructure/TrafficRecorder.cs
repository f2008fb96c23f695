using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>Every HTTP request and WebSocket a page opens, by URL, from the moment it is attached.</summary>
public sealed class TrafficRecorder
{
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _webSockets = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly Lock _gate = new();

    public TrafficRecorder(IPage page)
    {
        page.Request += (_, request) => Record(_requests, request.Url);
        page.WebSocket += (_, socket) => Record(_webSockets, socket.Url);
    }

    public IReadOnlyList<string> Requests => [.. _requests];
    public IReadOnlyList<string> WebSockets => [.. _webSockets];

    /// <summary>Requests and WebSockets together.</summary>
    public IReadOnlyList<string> All => [.. _requests, .. _webSockets];

    /// <summary>Waits until a request or WebSocket URL matching <paramref name="match"/> has been seen (including earlier ones).</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, string description)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var earlier = All.FirstOrDefault(match);
            if (earlier is not null) return earlier;
            _waiters.Add((match, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(TimeSpan.FromMilliseconds(BrowserFixture.DefaultTimeoutMs));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No request or WebSocket for {description} within {BrowserFixture.DefaultTimeoutMs} ms. Seen:\n{string.Join("\n", All)}");
        }
    }

    private void Record(ConcurrentQueue<string> list, string url)
    {
        lock (_gate)
        {
            list.Enqueue(url);
            foreach (var (match, seen) in _waiters.Where(w => w.Match(url))) seen.TrySetResult(url);
        }
    }
}
