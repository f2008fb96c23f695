namespace CrisisComms.Web.Features.Live;

/// <summary>
/// The one way staff screens learn about changes. Publishers are the database (every committed
/// audit entry) and the presence tracker; subscribers are open pages, the notification centre and
/// session revalidation. <see cref="InProcessChangeFeed"/> in one instance; <see cref="RedisChangeFeed"/> across several.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Calls <paramref name="handler"/> for every later change until the returned handle is disposed.
    /// Handlers run off the publisher's thread: a slow page never holds up a save.
    /// </summary>
    IDisposable Subscribe(Func<ChangeEvent, Task> handler);

    /// <summary>Hands a change to every subscriber. Never throws into the publisher.</summary>
    void Publish(ChangeEvent change);

    /// <summary>How many subscriptions are live (for tests and diagnostics).</summary>
    int SubscriberCount { get; }

    /// <summary>True when changes also travel to and from other instances (Redis); state kept in memory must then be shared too.</summary>
    bool CrossesInstances => false;
}
