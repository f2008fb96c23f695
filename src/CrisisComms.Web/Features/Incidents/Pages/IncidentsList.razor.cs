using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
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
    [Inject] private PerOperation<IncidentService> Incidents { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IReadOnlyList<Incident>? _incidents;
    private string _text = "";
    private IncidentStatus? _status;
    private IncidentSeverity? _severity;
    private string? _error;
    /// <summary>Typing and live changes start loads that can overlap; only the latest started may show its result.</summary>
    private int _loads;

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
        var load = ++_loads;
        try
        {
            var user = (await AuthState).User;
            var filter = new IncidentFilter(_status, _severity, _text);
            var incidents = await Incidents.RunAsync(s => s.ListAsync(user, filter));
            if (load != _loads) return;
            (_incidents, _error) = (incidents, null);
        }
        catch (AccessDeniedException e)
        {
            _error = e.Message;
            _incidents = [];
        }
    }
}
