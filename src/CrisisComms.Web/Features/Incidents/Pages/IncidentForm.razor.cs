using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>
/// Open or edit an incident. Validation and the audit trail are in <see cref="IncidentService"/>. The save carries the
/// version that was loaded (each call has a DbContext of its own), so an edit made meanwhile is refused, not overwritten.
/// </summary>
public partial class IncidentForm
{
    [Parameter] public Guid? Id { get; set; }
    [Inject] private PerOperation<IncidentService> Incidents { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private string _title = "";
    private string _slug = "";
    private string _summary = "";
    private IncidentSeverity _severity = IncidentSeverity.Major;
    private IncidentStatus _status = IncidentStatus.Investigating;
    private bool _isPublic;
    private string _detected = "";
    private string _aware = "";
    private string _nextUpdate = "";
    private int? _version;
    /// <summary>The form as loaded: an edit sends only what the user changed, so the activity shows only that.</summary>
    private (string Title, string Slug, string Summary, IncidentSeverity Severity, IncidentStatus Status, bool IsPublic, string Detected, string Aware, string NextUpdate)? _loaded;
    private Guid? _loadedId;
    private bool _busy;
    private string? _error;
    private IDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private bool _canSignOff;
    private bool _loadedPublic;
    private string _loadedTitle = "";
    private string _loadedSummary = "";
    private bool _confirming;
    private (string Detected, string Aware, string NextUpdate) _loadedTimes = ("", "", "");

    /// <summary>An Author without sign-off sees a public incident's title and summary but cannot change them.</summary>
    private bool PublicTextLocked => _loadedPublic && !_canSignOff;

    /// <summary>An Author without sign-off cannot make an incident public (taking one off the page stays open).</summary>
    private bool PublishLocked => (Id is null || _loadedId is not null) && !_loadedPublic && !_isPublic && !_canSignOff; // not while an incident is still loading

    private bool Has(string field) => _errors.ContainsKey(field);
    private string For(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : "";

    protected override async Task OnParametersSetAsync()
    {
        var principal = (await AuthState).User;
        _canSignOff = IncidentService.SignOff.Any(principal.IsInRole);
        // Load each incident once: parameters arrive again for the same one (a reconnect hands the
        // circuit a new AuthState), and reloading then would throw away what the user typed.
        if (Id is not { } id || id == _loadedId) return;
        try
        {
            var user = (await AuthState).User;
            var i = await Incidents.RunAsync(s => s.GetAsync(user, id));
            (_title, _slug, _summary, _severity, _status, _isPublic, _version) = (i.Title, i.Slug, i.Summary, i.Severity, i.Status, i.IsPublic, i.Version);
            (_detected, _aware, _nextUpdate) = (Time.ToInput(i.DetectedAt), Time.ToInput(i.AwareAt), Time.ToInput(i.NextUpdateDue));
            _loaded = (_title, _slug, _summary, _severity, _status, _isPublic, _detected, _aware, _nextUpdate);
            (_loadedPublic, _loadedTitle, _loadedSummary) = (i.IsPublic, i.Title, i.Summary);
            _loadedTimes = (_detected, _aware, _nextUpdate);
            _loadedId = id;
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
    }

    /// <summary>
    /// Everything for a new incident; for an edit only the fields that differ from what was loaded (the form shows times to
    /// the minute, so re-sending an untouched time would change its seconds and record a change nobody made).
    /// </summary>
    private IncidentChanges Changes()
    {
        var l = _loaded;
        bool Edited<T>(T now, T? then) => l is null || !EqualityComparer<T>.Default.Equals(now, then);
        return new IncidentChanges
        {
            Title = Edited(_title ?? "", l?.Title) ? _title ?? "" : null,
            Slug = string.IsNullOrWhiteSpace(_slug) || !Edited(_slug, l?.Slug) ? null : _slug,
            Summary = Edited(_summary ?? "", l?.Summary) ? _summary ?? "" : null,
            Severity = Edited(_severity, l?.Severity) ? _severity : null,
            Status = Edited(_status, l?.Status) ? _status : null,
            IsPublic = Edited(_isPublic, l?.IsPublic) ? _isPublic : null,
            DetectedAt = Edited(_detected, l?.Detected) ? Time.FromInput(_detected) : null,
            AwareAt = Edited(_aware, l?.Aware) ? Time.FromInput(_aware) : null,
            NextUpdateDue = Edited(_nextUpdate, l?.NextUpdate) ? Time.FromInput(_nextUpdate) : null,
            ClearDetectedAt = string.IsNullOrWhiteSpace(_detected) && Edited(_detected, l?.Detected),
            ClearAwareAt = string.IsNullOrWhiteSpace(_aware) && Edited(_aware, l?.Aware),
            ClearNextUpdateDue = string.IsNullOrWhiteSpace(_nextUpdate) && Edited(_nextUpdate, l?.NextUpdate),
        };
    }

    private Task ConfirmAsync() => SaveAsync(confirmed: true);

    private async Task SaveAsync() => await SaveAsync(confirmed: false);

    private async Task SaveAsync(bool confirmed)
    {
        // A change the public reads at once is confirmed first, naming what happens (the service checks the role).
        if (!confirmed && _canSignOff
            && IncidentService.ChangesPublicText(_loadedPublic, _loadedTitle, _loadedSummary, _isPublic, (_title ?? "").Trim(), (_summary ?? "").Trim()))
        {
            _confirming = true;
            return;
        }
        _confirming = false;
        _busy = true;
        _error = null;
        _errors = new Dictionary<string, string[]>();
        var changes = Changes();
        try
        {
            var user = (await AuthState).User;
            var saved = await Incidents.RunAsync(s => Id is { } id ? s.UpdateAsync(user, id, changes, _version) : s.CreateAsync(user, changes));
            Navigation.NavigateTo($"/dashboard/incidents/{saved.Id}");
        }
        catch (AppValidationException e) { _errors = e.Errors; _error = "Please correct the marked fields. Nothing was saved."; }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException) { _error = e.Message; }
        finally { _busy = false; }
    }
}
