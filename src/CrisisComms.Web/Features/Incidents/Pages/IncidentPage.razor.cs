using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>
/// One incident: overview, fact sheet, statements, activity. Live: any change about this incident or
/// one of its statements reloads the page's data; the changed statement row (or, for the incident
/// itself, the heading and overview) flashes, and so does the newest activity entry.
/// </summary>
public partial class IncidentPage : LiveComponentBase
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private PerOperation<IncidentService> Incidents { get; set; } = default!;
    [Inject] private PerOperation<StatementService> Statements { get; set; } = default!;
    [Inject] private TemplateLibrary Templates { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private Incident? _incident;
    private IReadOnlyList<StatementSummary> _statements = [];
    private IReadOnlyList<AuditEntry> _activity = [];
    private string? _templateId;
    private string? _error;
    private bool _busy;
    private ChangeEvent? _lastChange;
    /// <summary>Loads can overlap (a change arrives while one runs); only the latest started may show its result.</summary>
    private int _loads;

    protected override Task OnParametersSetAsync() => ReloadAsync();

    protected override bool Shows(ChangeEvent change) =>
        !change.IsPresence && (change.IsAbout(Id)
            // A publish failure noted after the tracker was cleared carries its statement alone.
            || (change.StatementId is { } statement && _statements.Any(s => s.Id == statement)));

    protected override async Task RefreshAsync(ChangeEvent change)
    {
        await ReloadAsync();
        _lastChange = change;
    }

    /// <summary>A statement's row for its changes; the heading for the incident's own; facts flash in the fact sheet.</summary>
    protected override string HighlightKey(ChangeEvent change) =>
        change.StatementId is { } statement ? statement.ToString()
        : change.Action.StartsWith("fact.", StringComparison.Ordinal) ? "facts"
        : Id.ToString();

    private string StatementRowClass(StatementSummary statement, int _) => FlashClass(statement.Id.ToString());

    private string ActivityClass(AuditEntry entry) =>
        _lastChange is { } last && entry.Seq == last.Seq ? FlashClass(HighlightKey(last)) : "";

    private async Task ReloadAsync()
    {
        var load = ++_loads;
        try
        {
            var user = (await AuthState).User;
            var (incident, activity) = await Incidents.RunAsync(async i => (await i.GetAsync(user, Id), await i.ActivityAsync(user, Id)));
            var statements = await Statements.RunAsync(s => s.ListForIncidentAsync(user, Id));
            if (load != _loads) return;
            (_incident, _statements, _activity) = (incident, statements, activity);
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
    }

    /// <summary>
    /// The page's create intent, per template: a second click that slips in before the button is disabled, or a retry
    /// after a dropped connection, returns the statement the first one created instead of a second copy.
    /// </summary>
    private readonly string _createIntent = Guid.NewGuid().ToString("n");

    private async Task CreateStatementAsync()
    {
        if (_busy) return;
        _busy = true;
        var navigating = false;
        try
        {
            var user = (await AuthState).User;
            var template = _templateId;
            var (view, _) = await Statements.RunAsync(s => s.CreateAsync(user, Id, new NewStatement { Template = template }, $"{_createIntent}:{template}"));
            // The button stays disabled: the page is on its way to the editor, and a click landing meanwhile must not start another.
            navigating = true;
            Navigation.NavigateTo($"/dashboard/statements/{view.Statement.Id}");
        }
        catch (AppValidationException e) { _error = "The template cannot be used for this incident yet: " + string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException or ConflictException) { _error = e.Message; }
        finally { _busy = navigating; }
    }
}
