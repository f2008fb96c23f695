using System.Security.Claims;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>
/// Keeps an open interactive session honest: every Auth:RevalidationInterval it re-reads the user
/// from the database. A disabled account or changed security stamp signs the session out; changed
/// roles replace the session's roles, so navigation and pages follow within seconds
/// (the template's 30 minutes is far too long while someone is approving a breach statement).
/// A change to the user's own account on the change feed (disabled, role removed, password
/// changed) triggers the check at once, so the page reflects it within moments; the timer stays as
/// the safety net.
/// </summary>
internal sealed class StaffAuthenticationStateProvider : ServerAuthenticationStateProvider, IEndedSession, IDisposable
{
    public bool SessionEnded { get; private set; }

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<StaffAuthenticationStateProvider> _logger;
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _servicesGone;
    private readonly IDisposable _accountChanges;

    public StaffAuthenticationStateProvider(IServiceScopeFactory scopes, IOptions<AuthOptions> auth, TimeProvider time,
        Live.IChangeFeed feed, ILogger<StaffAuthenticationStateProvider> logger)
    {
        _accountChanges = feed.Subscribe(OnChangeAsync);
        _scopes = scopes;
        _logger = logger;
        _timer = new PeriodicTimer(auth.Value.RevalidationInterval, time);
        AuthenticationStateChanged += _ => _loop ??= RevalidateLoopAsync();
    }

    private async Task RevalidateLoopAsync()
    {
        try
        {
            while (!_servicesGone && await _timer.WaitForNextTickAsync(_stop.Token))
                await RevalidateOnceAsync();
        }
        catch (OperationCanceledException) { }
    }

    private async Task OnChangeAsync(Live.ChangeEvent change)
    {
        if (!change.IsAccountChange || _servicesGone || _stop.IsCancellationRequested) return;
        var current = (await GetAuthenticationStateAsync()).User;
        if (current.FindFirstValue(ClaimTypes.NameIdentifier) == change.EntityId) await RevalidateOnceAsync();
    }

    /// <summary>One check against the database; public for tests.</summary>
    internal async Task RevalidateOnceAsync()
    {
        var current = (await GetAuthenticationStateAsync()).User;
        if (current.Identity?.IsAuthenticated != true) return;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var refreshed = await scope.ServiceProvider.GetRequiredService<StaffPrincipalRefresher>().RefreshAsync(current);
            if (refreshed is null)
            {
                SessionEnded = true;
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
            }
            else if (!RolesOf(refreshed.Value.Principal).SetEquals(RolesOf(current)))
            {
                SetAuthenticationState(Task.FromResult(new AuthenticationState(refreshed.Value.Principal)));
            }
        }
        catch (ObjectDisposedException)
        {
            // The app is shutting down under an open session: nothing left to check against.
            _servicesGone = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A database hiccup must not end the session; the next tick tries again.
            _logger.LogWarning(e, "Revalidating the signed-in user failed; will retry");
        }
    }

    private static HashSet<string> RolesOf(ClaimsPrincipal p) =>
        p.Claims.Where(c => c.Type == ClaimTypes.Role).Select(c => c.Value).ToHashSet();

    public void Dispose()
    {
        _accountChanges.Dispose();
        _stop.Cancel();
        _timer.Dispose();
        _stop.Dispose();
    }
}

/// <summary>An interactive session the server signed out (account disabled, role or password changed).</summary>
public interface IEndedSession
{
    bool SessionEnded { get; }
}
