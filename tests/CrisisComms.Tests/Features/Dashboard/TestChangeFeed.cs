using CrisisComms.Web.Features.Live;

namespace CrisisComms.Tests.Features.Dashboard;

/// <summary>A change feed the test drives: <see cref="PublishAsync"/> hands a change to every subscriber and waits for them.</summary>
public sealed class TestChangeFeed : IChangeFeed
{
    private readonly Lock _gate = new();
    private readonly List<Func<ChangeEvent, Task>> _handlers = [];

    public int SubscriberCount { get { lock (_gate) return _handlers.Count; } }

    public IDisposable Subscribe(Func<ChangeEvent, Task> handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Subscription(() => { lock (_gate) _handlers.Remove(handler); });
    }

    public void Publish(ChangeEvent change) => _ = PublishAsync(change);

    public async Task PublishAsync(ChangeEvent change)
    {
        List<Func<ChangeEvent, Task>> handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var h in handlers) await h(change);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
