using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>
/// The incidents list with filters; the query lives in <see cref="IncidentService"/>. Live: an incident
/// opened or changed anywhere (including its facts, which move it up the list) reloads the list and
/// flashes its row.
/// </summary>
public partial class IncidentsList : LiveComponentBase
{
    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IReadOnlyList<Incident>? _incidents;
    private string _text = "";
    private IncidentStatus? _status;
    private IncidentSeverity? _severity;
    private string? _error;

    protected override Task OnInitializedAsync() => LoadAsync();

    private Task OnTextChanged(string text) { _text = text; return LoadAsync(); }
    private Task OnStatusChanged(IncidentStatus? status) { _status = status; return LoadAsync(); }
    private Task OnSeverityChanged(IncidentSeverity? severity) { _severity = severity; return LoadAsync(); }

    protected override bool Shows(ChangeEvent change) =>
        change.EntityType == "incident" && (change.Action.StartsWith("incident.", StringComparison.Ordinal) || change.Action.StartsWith("fact.", StringComparison.Ordinal));

    protected override Task RefreshAsync(ChangeEvent change) => LoadAsync();

    private string RowClass(Incident incident, int _) => FlashClass(incident.Id.ToString());

    private async Task LoadAsync()
    {
        try
        {
            _incidents = await Incidents.ListAsync((await AuthState).User, new IncidentFilter(_status, _severity, _text));
            _error = null;
        }
        catch (AccessDeniedException e)
        {
            _error = e.Message;
            _incidents = [];
        }
    }
}
