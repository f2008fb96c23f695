using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Approvals.Pages;

/// <summary>
/// Sign-off actions for one statement. Buttons are a courtesy; <see cref="ApprovalService"/> decides.
/// Live: a sign-off step of this statement or a changed approval policy re-reads who must still sign
/// and flashes the panel; the statement itself arrives from the page (<see cref="View"/>).
/// </summary>
public partial class SignOffPanel : LiveComponentBase
{
    [Parameter, EditorRequired] public StatementView View { get; set; } = default!;
    /// <summary>True when the author has unsaved edits (submitting would sign off the old text).</summary>
    [Parameter] public bool Dirty { get; set; }
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private PerOperation<ApprovalService> Approvals { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private SignOffStatus? _status;
    private StatementView? _statusOf;
    private string? _userId;
    private IReadOnlyList<string> _roles = [];
    private bool _busy;
    private bool _rejecting;
    private string _reason = "";
    private string? _error;

    private bool IsAuthor => _roles.Contains(StaffRoles.Author);

    /// <summary>Mirrors the service's rules so only usable buttons show; the service checks again.</summary>
    private bool CanDecide =>
        View.Statement.State == StatementState.InReview && _status is not null && _userId != View.Current.AuthorId
        && _status.Signed.Values.All(a => a.UserId != _userId)
        && _status.Missing.Any(_roles.Contains);

    private MudBlazor.Color StateColour => View.Statement.State switch
    {
        StatementState.Approved or StatementState.Scheduled or StatementState.Published => MudBlazor.Color.Success,
        StatementState.InReview => MudBlazor.Color.Info,
        StatementState.Withdrawn => MudBlazor.Color.Dark,
        _ => MudBlazor.Color.Default,
    };

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthState).User;
        _userId = user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        _roles = StaffRoles.All.Where(user.IsInRole).ToList();
        // The page re-renders often now (each live change and its highlight); only a newly loaded statement needs a new count.
        if (ReferenceEquals(View, _statusOf)) return;
        _statusOf = View;
        _status = await Approvals.RunAsync(a => a.StatusAsync(View.Statement));
    }

    protected override bool Shows(ChangeEvent change) =>
        (change.StatementId == View.Statement.Id && SignOffChanges.IsSignOffStep(change)) || change.Action == "policy.changed";

    protected override async Task RefreshAsync(ChangeEvent change) => _status = await Approvals.RunAsync(a => a.StatusAsync(View.Statement));

    protected override string HighlightKey(ChangeEvent change) => "sign-off";

    private Task SubmitAsync() => RunAsync(user => Approvals.RunAsync(a => a.SubmitAsync(user, View.Statement.Id)));

    // The decision names the revision the person read (View.Current); the service refuses it if another is current by now.
    private Task ApproveAsync() => RunAsync(user => Approvals.RunAsync(a => a.DecideAsync(user, View.Statement.Id, View.Current.Id, Decision.Approve, null)));

    private Task RejectAsync() => RunAsync(async user =>
    {
        await Approvals.RunAsync(a => a.DecideAsync(user, View.Statement.Id, View.Current.Id, Decision.Reject, _reason));
        (_rejecting, _reason) = (false, "");
    });

    private Task WithdrawAsync() => RunAsync(user => Approvals.RunAsync(a => a.WithdrawAsync(user, View.Statement.Id, null)));

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task> action)
    {
        _busy = true;
        var user = (await AuthState).User;
        _error = await Components.Shared.UiAction.RunAsync(() => action(user));
        // Refused or not, the statement may have moved on: show its current state.
        await Changed.InvokeAsync();
        _busy = false;
    }
}
