using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>The fact sheet tab. Typing rules and history are in <see cref="IncidentService"/>.</summary>
public partial class FactSheet
{
    [Parameter, EditorRequired] public Guid IncidentId { get; set; }
    [Parameter, EditorRequired] public IReadOnlyList<Fact> Facts { get; set; } = [];
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IEnumerable<Fact> Sorted => Facts.OrderBy(f => f.Label, StringComparer.CurrentCultureIgnoreCase);

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

    private bool Has(string field) => _errors.ContainsKey(field);
    private string For(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : "";

    private void StartEdit(Fact fact)
    {
        (_key, _label, _type, _editingExisting) = (fact.Key, fact.Label, fact.Type, true);
        _value = fact.Type == FactType.DateTime ? Time.ToInput(DateTimeOffset.Parse(fact.Value, System.Globalization.CultureInfo.InvariantCulture)).Replace('T', ' ') : fact.Value;
        _errors = new Dictionary<string, string[]>();
    }

    private void ResetForm()
    {
        (_key, _label, _type, _value, _editingExisting) = ("", "", FactType.Text, "", false);
        _errors = new Dictionary<string, string[]>();
    }

    private async Task ShowHistoryAsync(string key)
    {
        _historyKey = key;
        _history = await Incidents.FactHistoryAsync((await AuthState).User, IncidentId, key);
    }

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        _errors = new Dictionary<string, string[]>();
        try
        {
            await Incidents.SetFactAsync((await AuthState).User, IncidentId, _key, _label, _type, _value);
            ResetForm();
            await Changed.InvokeAsync();
        }
        catch (AppValidationException e) { _errors = e.Errors; }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException) { _error = e.Message; }
        finally { _busy = false; }
    }
}
