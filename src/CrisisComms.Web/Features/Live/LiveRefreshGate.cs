namespace CrisisComms.Web.Features.Live;

/// <summary>
/// One per circuit: lets only one live refresh at a time use the circuit's services. Every component
/// on a page gets the same change at the same moment, and they share one scoped DbContext, which
/// must never run two queries at once.
/// </summary>
public sealed class LiveRefreshGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RunAsync(Func<Task> refresh)
    {
        await _gate.WaitAsync();
        try
        {
            await refresh();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
