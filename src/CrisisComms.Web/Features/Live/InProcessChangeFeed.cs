using System.Collections.Immutable;

namespace CrisisComms.Web.Features.Live;

/// <summary>
/// <see cref="IChangeFeed"/> inside one process. Each subscriber gets its events in order, on its
/// own queue, so one slow or failing subscriber neither delays nor breaks the others.
/// </summary>
public sealed class InProcessChangeFeed(ILogger<InProcessChangeFeed> logger) : IChangeFeed
{
    private readonly ILogger _logger = logger;
    private ImmutableArray<Subscription> _subscriptions = [];

    public int SubscriberCount => _subscriptions.Length;

    public IDisposable Subscribe(Func<ChangeEvent, Task> handler)
    {
        var subscription = new Subscription(this, handler);
        ImmutableInterlocked.Update(ref _subscriptions, s => s.Add(subscription));
        return subscription;
    }

    public void Publish(ChangeEvent change)
    {
        foreach (var s in _subscriptions) s.Enqueue(change);
    }

    private void Remove(Subscription subscription) => ImmutableInterlocked.Update(ref _subscriptions, s => s.Remove(subscription));

    private sealed class Subscription(InProcessChangeFeed feed, Func<ChangeEvent, Task> handler) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Queue<ChangeEvent> _queue = new();
        private Func<ChangeEvent, Task>? _handler = handler;
        private bool _running;

        public void Enqueue(ChangeEvent change)
        {
            lock (_gate)
            {
                if (_handler is null) return;
                _queue.Enqueue(change);
                if (_running) return;
                _running = true;
            }
            _ = Task.Run(DrainAsync);
        }

        private async Task DrainAsync()
        {
            while (true)
            {
                ChangeEvent next;
                Func<ChangeEvent, Task>? handler;
                lock (_gate)
                {
                    if (_handler is null || _queue.Count == 0)
                    {
                        _queue.Clear();
                        _running = false;
                        return;
                    }
                    next = _queue.Dequeue();
                    handler = _handler;
                }
                try
                {
                    await handler(next);
                }
                catch (Exception e)
                {
                    feed._logger.LogWarning(e, "A change-feed subscriber failed on {Action} {EntityType} {EntityId}", next.Action, next.EntityType, next.EntityId);
                }
            }
        }

        /// <summary>Stops delivery and drops the handler, so the subscriber (a page) can be collected.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                _handler = null;
                _queue.Clear();
            }
            feed.Remove(this);
        }
    }
}
