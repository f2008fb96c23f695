using System.Security.Claims;
using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CrisisComms.Web.Features.Accounts.Pages;

/// <summary>
/// Admin: list, create, grant/remove roles, disable/enable, reset a password, sign someone out everywhere. Every rule is in <see cref="UserAdminService"/>.
/// Live: an account created or changed anywhere (another admin, the staff API, a user turning on
/// two-factor, a lockout) reloads the list and flashes its row; the create form is left alone.
/// </summary>
public partial class UsersAdmin : LiveComponentBase
{
    [Inject] private PerOperation<UserAdminService> Admin { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IReadOnlyList<UserSummary>? _users;
    private CreateUserRequest _new = new();
    private IDictionary<string, string[]> _fieldErrors = new Dictionary<string, string[]>();
    private string? _error;
    private bool _busy;
    private string? _resetFor;
    private string _resetPassword = "";
    private string? _resetError;

    protected override Task OnInitializedAsync() => RunAsync(_ => Task.CompletedTask);

    protected override bool Shows(ChangeEvent change) => change.IsAccountChange || change.Action == "auth.sign-in-locked-out";

    protected override async Task RefreshAsync(ChangeEvent change)
    {
        try
        {
            var actor = (await AuthState).User;
            _users = await Admin.RunAsync(a => a.ListAsync(actor));
        }
        catch (AccessDeniedException e) { _error = e.Message; _users = []; }
    }

    private string RowClass(UserSummary user, int _) => FlashClass(user.Id);

    private bool HasError(string field) => _fieldErrors.ContainsKey(field);
    private string ErrorFor(string field) => _fieldErrors.TryGetValue(field, out var m) ? string.Join(" ", m) : "";

    private void ToggleNewRole(string role, bool on)
    {
        if (on && !_new.Roles.Contains(role)) _new.Roles.Add(role);
        if (!on) _new.Roles.Remove(role);
    }

    private Task CreateAsync() => RunAsync(async actor =>
    {
        await Admin.RunAsync(a => a.CreateAsync(actor, _new));
        Snackbar.Add($"Created {_new.Email}.", Severity.Success);
        _new = new();
    });

    private Task SetRoleAsync(UserSummary user, string role, bool granted) => RunAsync(async actor =>
    {
        await Admin.RunAsync(a => a.SetRoleAsync(actor, user.Id, role, granted));
        Snackbar.Add($"{(granted ? "Granted" : "Removed")} {role} {(granted ? "to" : "from")} {user.Email}.", Severity.Success);
    });

    private Task SetDisabledAsync(UserSummary user, bool disabled) => RunAsync(async actor =>
    {
        await Admin.RunAsync(a => a.SetDisabledAsync(actor, user.Id, disabled));
        Snackbar.Add($"{(disabled ? "Disabled" : "Enabled")} {user.Email}.", Severity.Success);
    });

    private Task SignOutEverywhereAsync(UserSummary user) => RunAsync(async actor =>
    {
        await Admin.RunAsync(a => a.SignOutEverywhereAsync(actor, user.Id));
        Snackbar.Add($"Signed {user.Email} out everywhere.", Severity.Success);
    });

    private void StartReset(UserSummary user)
    {
        _resetFor = user.Id;
        _resetPassword = "";
        _resetError = null;
    }

    private Task ResetPasswordAsync(UserSummary user) => RunAsync(async actor =>
    {
        try
        {
            await Admin.RunAsync(a => a.ResetPasswordAsync(actor, user.Id, _resetPassword));
        }
        catch (AppValidationException e)
        {
            _resetError = string.Join(" ", e.Errors.Values.SelectMany(m => m));
            return;
        }
        _resetFor = null;
        _resetPassword = "";
        _resetError = null;
        Snackbar.Add($"Set a new password for {user.Email}; their sessions were signed out.", Severity.Success);
    });

    /// <summary>Runs an action as the signed-in admin, then reloads the list; errors are shown, never swallowed.</summary>
    private async Task RunAsync(Func<ClaimsPrincipal, Task> action)
    {
        _busy = true;
        _error = null;
        _fieldErrors = new Dictionary<string, string[]>();
        var actor = (await AuthState).User;
        try
        {
            await action(actor);
        }
        catch (AppValidationException e) { _fieldErrors = e.Errors; }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException) { _error = e.Message; }
        try
        {
            _users = await Admin.RunAsync(a => a.ListAsync(actor));
        }
        catch (AccessDeniedException e) { _error = e.Message; _users = []; }
        _busy = false;
    }
}
