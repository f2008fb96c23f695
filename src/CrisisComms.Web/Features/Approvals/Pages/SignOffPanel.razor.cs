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
    private Pending _pending;
    /// <summary>The revision and changed facts the approver acknowledged; a new revision or another change of facts asks again.</summary>
    private string? _acknowledgedFor;

    /// <summary>The action waiting for its confirmation step.</summary>
    private enum Pending { None, Approve, Withdraw, Discard }

    private string DriftKey => View.Current.Id + "|" + StatementService.DescribeDrift(View.FactDrift);

    private bool Acknowledged
    {
        get => _acknowledgedFor == DriftKey;
        set => _acknowledgedFor = value ? DriftKey : null;
    }

    /// <summary>Approve needs the changed facts acknowledged first, when there are any.</summary>
    private bool ApproveReady => View.FactDrift.Count == 0 || Acknowledged;

    private string ConfirmLabel => _pending switch
    {
        Pending.Approve => $"Confirm: approve revision {View.Current.Number}",
        Pending.Withdraw => "Confirm: withdraw",
        Pending.Discard => "Confirm: discard",
        _ => "",
    };

    /// <summary>What the pending action will do, in words, before it is done.</summary>
    private string ConfirmText
    {
        get
        {
            var title = $"\u201c{View.Current.Title}\u201d";
            switch (_pending)
            {
                case Pending.Approve:
                    var role = _status?.Missing.FirstOrDefault(_roles.Contains) ?? "your role";
                    var after = _status?.Missing.Where(r => r != role).ToList() ?? [];
                    return $"Approve revision {View.Current.Number} as {role}: your signature is bound to exactly this text (SHA-256 {View.Current.ContentHash[..12]})." +
                           (after.Count == 0
                               ? " That completes sign-off: the statement becomes approved and can then be scheduled or published."
                               : $" {string.Join(" + ", after)} must still sign.") +
                           (View.FactDrift.Count > 0 ? " You approve it with the facts as written, not their current values." : "");
                case Pending.Withdraw:
                    return $"Withdraw {title}: it stops here for good and can no longer be submitted, approved, scheduled or published" +
                           (View.Statement.ScheduledFor is { } at ? $"; its publication scheduled for {Time.Show(at)} is cancelled" : "") +
                           ". It stays listed as withdrawn, with its revisions.";
                case Pending.Discard:
                    return $"Discard {title}: it is withdrawn and removed from the incident's statement list; nothing of it is ever published. " +
                           $"Its {View.Revisions.Count} revision(s) are kept in the history and the audit trail. This cannot be undone.";
                default:
                    return "";
            }
        }
    }

    private bool IsAuthor => _roles.Contains(StaffRoles.Author);

    private void Ask(Pending action)
    {
        _pending = action;
        _rejecting = false;
        _error = null;
    }

    private Task ConfirmAsync()
    {
        var action = _pending;
        _pending = Pending.None;
        return action switch
        {
            Pending.Approve => ApproveAsync(),
            Pending.Withdraw => WithdrawAsync(),
            Pending.Discard => DiscardAsync(),
            _ => Task.CompletedTask,
        };
    }

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
    // The acknowledgement covers the changed facts shown; if they changed again since, the service asks afresh (409).
    private Task ApproveAsync() => RunAsync(user => Approvals.RunAsync(a =>
        a.DecideAsync(user, View.Statement.Id, View.Current.Id, Decision.Approve, null, acknowledgeFactChanges: View.FactDrift.Count > 0 && Acknowledged)));

    private Task RejectAsync() => RunAsync(async user =>
    {
        await Approvals.RunAsync(a => a.DecideAsync(user, View.Statement.Id, View.Current.Id, Decision.Reject, _reason));
        (_rejecting, _reason) = (false, "");
    });

    private Task WithdrawAsync() => RunAsync(user => Approvals.RunAsync(a => a.WithdrawAsync(user, View.Statement.Id, null)));

    private Task DiscardAsync() => RunAsync(user => Approvals.RunAsync(a => a.DiscardAsync(user, View.Statement.Id, null)));

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
