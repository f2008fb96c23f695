using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;

namespace CrisisComms.Web.Features.Statements.Pages;

/// <summary>
/// The statement editor: source on one side, the published rendering on the other (the same
/// pipeline as saving), counts and channel limits, revisions, compare, restore, and conflicts.
/// </summary>
public partial class StatementEditor
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private StatementService Statements { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private StatementView? _view;
    private LiquidModel? _model;
    private string _title = "";
    private string _body = "";
    private Guid _base;
    private RenderedStatement? _preview;
    private ChannelReport? _counts;
    private IReadOnlyList<RenderProblem> _problems = [];
    private bool _canWrite;
    private bool _busy;
    private string? _error;
    private ConflictException? _conflict;
    private int _conflictFrom;
    private IReadOnlyList<DiffSegment> _conflictDiff = [];
    private Guid _compareFrom;
    private Guid _compareTo;
    private IReadOnlyList<DiffSegment>? _comparison;
    private string _comparisonLabel = "";
    private StatementRevision? _viewing;

    private bool Dirty => _view is not null && (_title != _view.Current.TitleSource || _body != _view.Current.Body);

    /// <summary>Who sees "Write a correction": the roles the service lets create statements (it checks again).</summary>
    private static readonly string WriterRoles = string.Join(",", IncidentService.Writers);

    private static string StatementHref(Guid id) => $"/dashboard/statements/{id}";

    private bool CanEdit => _canWrite && _view?.Statement.State is not (StatementState.Published or StatementState.Withdrawn);

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthState).User;
        _canWrite = user.IsInRole(StaffRoles.Author);
        await ReloadAsync(resetText: true);
    }

    private async Task ReloadAsync(bool resetText)
    {
        try
        {
            var user = (await AuthState).User;
            _view = await Statements.GetAsync(user, Id);
            _model = await Statements.ModelAsync(user, _view.Incident.Id);
            if (resetText)
            {
                (_title, _body, _base) = (_view.Current.TitleSource, _view.Current.Body, _view.Current.Id);
            }
            _compareTo = _view.Current.Id;
            _compareFrom = _view.Revisions.Count > 1 ? _view.Revisions[1].Id : _view.Current.Id;
            UpdatePreview();
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
    }

    private void UpdatePreview()
    {
        if (_view is null || _model is null) return;
        var (outcome, counts) = Statements.Preview(_model, _view.Statement.Kind, _title, _body);
        _problems = outcome.Problems;
        if (outcome.Result is not null) _preview = outcome.Result;
        _counts = counts ?? _counts;
    }

    private Task SaveAsync() => SaveOnAsync(_base);

    private async Task SaveOnAsync(Guid baseRevision)
    {
        _busy = true;
        _error = null;
        try
        {
            await Statements.SaveAsync((await AuthState).User, Id, _title, _body, baseRevision);
            _conflict = null;
            await ReloadAsync(resetText: true);
        }
        catch (ConflictException e)
        {
            // Keep the author's text; show what the other person changed.
            var mine = _view!.Revisions.FirstOrDefault(r => r.Id == _base);
            await ReloadAsync(resetText: false);
            _conflict = e;
            _conflictFrom = mine?.Number ?? 0;
            _conflictDiff = mine is null ? [] : StatementService.Diff(mine, _view!.Current);
        }
        catch (AppValidationException e) { _error = "Not saved: " + string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
        finally { _busy = false; }
    }

    private void LoadTheirs()
    {
        (_title, _body, _base) = (_view!.Current.TitleSource, _view.Current.Body, _view.Current.Id);
        _conflict = null;
        UpdatePreview();
    }

    private async Task SaveMineOnTopAsync()
    {
        _base = _view!.Current.Id;
        await SaveOnAsync(_base);
    }

    private void DiscardEdits()
    {
        (_title, _body) = (_view!.Current.TitleSource, _view.Current.Body);
        UpdatePreview();
    }

    private Task RerenderAsync() => RunAsync(async user => await Statements.RerenderAsync(user, Id, _base));

    private Task RestoreAsync(StatementRevision revision) => RunAsync(async user => await Statements.RestoreAsync(user, Id, revision.Id, _base));

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task> action)
    {
        _busy = true;
        _error = null;
        try
        {
            await action((await AuthState).User);
            await ReloadAsync(resetText: true);
        }
        catch (AppValidationException e) { _error = string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException) { _error = e.Message; await ReloadAsync(resetText: true); }
        finally { _busy = false; }
    }

    private async Task WriteCorrectionAsync()
    {
        _busy = true;
        var user = (await AuthState).User;
        StatementView? correction = null;
        _error = await Components.Shared.UiAction.RunAsync(async () => correction = await Statements.CreateCorrectionAsync(user, Id));
        _busy = false;
        if (correction is not null) Navigation.NavigateTo(StatementHref(correction.Statement.Id));
    }

    private void Compare()
    {
        var from = _view!.Revisions.First(r => r.Id == _compareFrom);
        var to = _view.Revisions.First(r => r.Id == _compareTo);
        _comparison = StatementService.Diff(from, to);
        _comparisonLabel = $"{from.Number} to {to.Number}";
    }

    private async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!Dirty) return;
        if (!await Js.InvokeAsync<bool>("confirm", "You have unsaved changes to this statement. Leave without saving?"))
            context.PreventNavigation();
    }
}
