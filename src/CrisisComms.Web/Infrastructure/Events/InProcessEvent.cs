namespace CrisisComms.Web.Infrastructure.Events;

/// <summary>
/// A synchronous in-process event: the raiser awaits every listener in turn, so what they do (evict the
/// public cache) is done before the raiser's call returns. A listener that throws is logged, never
/// thrown into the raiser. For screens, use the asynchronous change feed instead.
/// </summary>
public abstract class InProcessEvent<T>(ILogger logger)
{
    private event Func<T, Task>? Handlers;

    public void Subscribe(Func<T, Task> handler) => Handlers += handler;

    public void Unsubscribe(Func<T, Task> handler) => Handlers -= handler;

    public async Task RaiseAsync(T e)
    {
        foreach (var handler in Handlers?.GetInvocationList().Cast<Func<T, Task>>() ?? [])
        {
            try { await handler(e); }
            catch (Exception ex) { logger.LogError(ex, "A listener failed on {Event}", e); }
        }
    }
}
