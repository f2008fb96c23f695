namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// Runs each call to a scoped service in a DI scope of its own, disposed when the call ends — so with a DbContext
/// of its own. For components that live as long as a Blazor circuit: injecting the service itself would resolve it
/// (and its DbContext, UserManager and EF's internal services) in the circuit's scope and keep them for the
/// circuit's lifetime, tracked entities and all. Inject <c>PerOperation&lt;DashboardService&gt;</c> instead.
/// </summary>
public sealed class PerOperation<TService>(IServiceScopeFactory scopes) where TService : notnull
{
    public async Task<TResult> RunAsync<TResult>(Func<TService, Task<TResult>> operation)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
