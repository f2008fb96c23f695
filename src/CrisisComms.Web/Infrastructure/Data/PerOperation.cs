namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// Runs each call to a scoped service in a DI scope of its own, disposed when the call ends — so with a DbContext
/// of its own. For components, which live as long as a Blazor circuit: injecting the service itself would resolve it
/// (and its DbContext, UserManager and EF's internal services) in the circuit's scope and keep them for the
/// circuit's lifetime, tracked entities and all — shared by every component and live refresh on the page, which
/// PostgreSQL refuses as soon as two of them overlap. Inject <c>PerOperation&lt;StatementService&gt;</c> instead.
/// </summary>
/// <remarks>
/// Nothing survives between calls, so a later call (a save) must carry what it builds on — ids, the base revision,
/// the version read — never an entity loaded by an earlier one. The new scope has no circuit: services get the user
/// as a <see cref="System.Security.Claims.ClaimsPrincipal"/> argument, never from circuit-scoped state.
/// </remarks>
public sealed class PerOperation<TService>(IServiceScopeFactory scopes) where TService : notnull
{
    public async Task<TResult> RunAsync<TResult>(Func<TService, Task<TResult>> operation)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync(Func<TService, Task> operation)
    {
        await using var scope = scopes.CreateAsyncScope();
        await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
