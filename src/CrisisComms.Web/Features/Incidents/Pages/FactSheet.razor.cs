using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>
/// The fact sheet tab. Typing rules and history are in <see cref="IncidentService"/>. Live: a fact
/// added or changed anywhere reloads the facts and flashes its row; the form is never touched, and
/// if the user is editing that very fact they get a notice to reload it instead.
/// </summary>
public partial class FactSheet : LiveComponentBase
{
    [Parameter, EditorRequired] public Guid IncidentId { get; set; }
    [Parameter, EditorRequired] public IReadOnlyList<Fact> Facts { get; set; } = [];
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private PerOperation<IncidentService> Incidents { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IEnumerable<Fact> Sorted => _facts.OrderBy(f => f.Label, StringComparer.CurrentCultureIgnoreCase);

    private IReadOnlyList<Fact> _facts = [];
    private IReadOnlyList<Fact>? _factsParameter;
    /// <summary>The version of each fact as of the last change this sheet noticed: what tells it which fact a change was about.</summary>
    private Dictionary<string, int>? _seen;
    private string? _changedKey;
    private (string Key, string Actor)? _staleEdit;

    private string _key = "";
    private string _label = "";
    private FactType _type = FactType.Text;
    private string _value = "";
    private bool _editingExisting;
    private bool _busy;
    private string? _error;
    private IDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _historyKey;
    private IReadOnlyList<FactChange> _history = [];

    protected override void OnParametersSet()
    {
        // The page passes the same list on every render; only a newly loaded one replaces what is shown.
        if (!ReferenceEquals(Facts, _factsParameter))
        {
            _factsParameter = Facts;
            _facts = Facts;
        }
        _seen ??= Versions(_facts);
    }

    protected override bool Shows(ChangeEvent change) =>
        change.IncidentId == IncidentId && change.Action.StartsWith("fact.", StringComparison.Ordinal);

    protected override async Task RefreshAsync(ChangeEvent change)
    {
        var user = (await AuthState).User;
        var facts = await Incidents.RunAsync(s => s.FactsAsync(user, IncidentId));
        var seen = _seen ?? [];
        var changed = facts.Where(f => !seen.TryGetValue(f.Key, out var v) || v != f.Version).Select(f => f.Key).ToList();
        (_facts, _seen) = (facts, Versions(facts));
        _changedKey = changed.FirstOrDefault();
        if (_historyKey is not null && changed.Contains(_historyKey)) await ShowHistoryAsync(_historyKey);

        // Someone else changed the fact in the form (or added the key being typed): keep the user's
        // input, and say so. Their own save (busy) is not news to them.
        var editing = _key.Trim();
        if (!_busy && editing.Length > 0 && changed.Contains(editing))
            _staleEdit = (editing, change.ActorName);
    }

    protected override string HighlightKey(ChangeEvent change) => RowKey(_changedKey ?? "");

    private static string RowKey(string key) => "fact-" + key;

    private string RowClass(Fact fact, int _) => FlashClass(RowKey(fact.Key));

    private static Dictionary<string, int> Versions(IEnumerable<Fact> facts) => facts.ToDictionary(f => f.Key, f => f.Version, StringComparer.Ordinal);

    /// <summary>Loads the other person's value into the form, dropping what the user had typed.</summary>
    private void ReloadEdited()
    {
        var key = _staleEdit?.Key;
        _staleEdit = null;
        if (_facts.FirstOrDefault(f => f.Key == key) is { } fact) StartEdit(fact);
    }

    private bool Has(string field) => _errors.ContainsKey(field);
    private string For(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : "";

    private void StartEdit(Fact fact)
    {
        (_key, _label, _type, _editingExisting) = (fact.Key, fact.Label, fact.Type, true);
        _value = fact.Type == FactType.DateTime ? Time.ToInput(DateTimeOffset.Parse(fact.Value, System.Globalization.CultureInfo.InvariantCulture)).Replace('T', ' ') : fact.Value;
        _errors = new Dictionary<string, string[]>();
        _staleEdit = null;
    }

    private void ResetForm()
    {
        (_key, _label, _type, _value, _editingExisting) = ("", "", FactType.Text, "", false);
        _errors = new Dictionary<string, string[]>();
        _staleEdit = null;
    }

    private async Task ShowHistoryAsync(string key)
    {
        _historyKey = key;
        var user = (await AuthState).User;
        _history = await Incidents.RunAsync(s => s.FactHistoryAsync(user, IncidentId, key));
    }

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        _errors = new Dictionary<string, string[]>();
        try
        {
            var user = (await AuthState).User;
            await Incidents.RunAsync(s => s.SetFactAsync(user, IncidentId, _key, _label, _type, _value));
            ResetForm();
            await Changed.InvokeAsync();
        }
        catch (AppValidationException e) { _errors = e.Errors; }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException) { _error = e.Message; }
        finally { _busy = false; }
    }
}
