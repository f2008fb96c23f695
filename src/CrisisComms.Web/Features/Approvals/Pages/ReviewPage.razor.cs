using System.Text.Json;
using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Approvals.Pages;

/// <summary>
/// The reviewer's screen, built for a phone: exactly what will be published, what changed since the
/// last approved revision, the facts it uses, sign-off, and comments. Live: every change of this
/// statement and of its incident's facts reloads it, so a reviewer never signs a text they have not
/// seen (the service checks the hash again); a new revision flashes the text and its diff.
/// </summary>
public partial class ReviewPage : LiveComponentBase
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private PerOperation<StatementService> Statements { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private StatementView? _view;
    private StatementRevision? _baseline;
    private string _baselineWhy = "";
    private IReadOnlyList<DiffSegment> _diff = [];
    private List<(string Label, string Used, string Current, bool Changed)> _facts = [];
    private string? _error;
    /// <summary>Loads can overlap (a change arrives while one runs); only the latest started may show its result.</summary>
    private int _loads;

    protected override Task OnParametersSetAsync() => LoadAsync();

    protected override bool Shows(ChangeEvent change) =>
        !change.IsPresence && change.Action != "statement.commented"
        && (change.StatementId == Id || (change.Action.StartsWith("fact.", StringComparison.Ordinal) && _view is { } view && change.IncidentId == view.Incident.Id));

    protected override Task RefreshAsync(ChangeEvent change) => LoadAsync();

    protected override string HighlightKey(ChangeEvent change) =>
        change.Action == "statement.revised" ? "text" : change.Action.StartsWith("fact.", StringComparison.Ordinal) ? "facts" : "state";

    private async Task LoadAsync()
    {
        var load = ++_loads;
        try
        {
            var user = (await AuthState).User;
            var view = await Statements.RunAsync(s => s.GetAsync(user, Id));
            if (load != _loads) return;
            _view = view;
            // Compare with the newest earlier revision that someone approved; failing that, the one before.
            var approvedRevisions = _view.Approvals.Where(a => a.Decision == Decision.Approve).Select(a => a.RevisionId).ToHashSet();
            var earlier = _view.Revisions.Where(r => r.Number < _view.Current.Number).ToList();
            _baseline = earlier.FirstOrDefault(r => approvedRevisions.Contains(r.Id));
            _baselineWhy = "the last approved version";
            if (_baseline is null && earlier.Count > 0) (_baseline, _baselineWhy) = (earlier[0], "the previous version");
            _diff = _baseline is null ? [] : StatementService.Diff(_baseline, _view.Current);

            var used = JsonSerializer.Deserialize<Dictionary<string, string>>(_view.Current.FactSnapshot) ?? [];
            _facts = used.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            {
                var fact = _view.Incident.Facts.FirstOrDefault(f => f.Key == kv.Key);
                return fact is null
                    ? (kv.Key, kv.Value, "(removed)", true)
                    : (fact.Label, Time.ShowFact(fact.Type, kv.Value), Time.ShowFact(fact.Type, fact.Value), fact.Value != kv.Value);
            }).ToList();
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
    }
}
