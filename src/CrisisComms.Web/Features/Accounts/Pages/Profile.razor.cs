using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Accounts.Pages;

/// <summary>
/// The signed-in user's own account: details, two-factor set-up and signing out everywhere. Rules live in <see cref="TwoFactorService"/>, which
/// keeps nothing between calls (the unconfirmed key is stored on the account), so each step runs on a DbContext of its own.
/// </summary>
public partial class Profile
{
    [Inject] private PerOperation<TwoFactorService> TwoFactor { get; set; } = default!;
    [Inject] private PerOperation<UserAdminService> Accounts { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private TwoFactorStatus? _status;
    private AuthenticatorSetup? _setup;
    private IReadOnlyList<string>? _recoveryCodes;
    private string _code = "";
    private string? _error;
    private bool _disabledNow;
    private bool _signedOutEverywhere;

    protected override async Task OnInitializedAsync() => await RunAsync(async u => _status = await TwoFactor.RunAsync(t => t.GetStatusAsync(u)));

    private Task BeginAsync() => RunAsync(async u => _setup = await TwoFactor.RunAsync(t => t.BeginSetupAsync(u)));

    private Task EnableAsync() => RunAsync(async u =>
    {
        _recoveryCodes = await TwoFactor.RunAsync(t => t.EnableAsync(u, _code));
        _setup = null;
    });

    private Task DisableAsync() => RunAsync(async u =>
    {
        await TwoFactor.RunAsync(t => t.DisableAsync(u));
        _disabledNow = true;
    });

    private Task SignOutEverywhereAsync() => RunAsync(async u =>
    {
        var id = u.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";
        await Accounts.RunAsync(a => a.SignOutEverywhereAsync(u, id));
        _signedOutEverywhere = true;
    });

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task> action)
    {
        var user = (await AuthState).User;
        _error = await Components.Shared.UiAction.RunAsync(() => action(user));
    }
}
