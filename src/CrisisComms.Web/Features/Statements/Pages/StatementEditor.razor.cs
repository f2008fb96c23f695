using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using System.Security.Claims;
using Microsoft.JSInterop;

namespace CrisisComms.Web.Features.Statements.Pages;

/// <summary>
/// The statement editor: source on one side, the published rendering on the other (the same
/// pipeline as saving), counts and channel limits, revisions, compare, restore, and conflicts.
/// Live: every change of this statement (state, sign-off, schedule, publication, revisions) and of
/// its incident's facts reloads it — but never replaces text the user has not saved: a revision
/// saved by someone else meanwhile is announced instead, and the save's 409 check does the rest.
/// Every call has a DbContext of its own, so a save carries the revision it was typed on (<c>_base</c>), not a loaded entity.
/// </summary>
public partial class StatementEditor : LiveComponentBase
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private PerOperation<StatementService> Statements { get; set; } = default!;
    [Inject] private StatementRenderer Renderer { get; set; } = default!;
    [Inject] private RenderGate RenderGate { get; set; } = default!;
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
    /// <summary>Why the preview is not following the typing just now (too many previews, or the server busy); null when it is.</summary>
    private string? _previewPaused;
    private int _previewSeq;
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
    /// <summary>Set when someone else saved a revision while this user had unsaved edits: who, and which number.</summary>
    private (string Actor, int Number)? _savedMeanwhile;
    private string _flashKey = "";

    private bool Dirty => _view is not null && (_title != _view.Current.TitleSource || _body != _view.Current.Body);

    /// <summary>Who sees "Write a correction": the roles the service lets create statements (it checks again).</summary>
    private static readonly string WriterRoles = string.Join(",", IncidentService.Writers);

    private static string StatementHref(Guid id) => $"/dashboard/statements/{id}";

    private bool CanEdit => _canWrite && _view?.Statement.State is not (StatementState.Published or StatementState.Withdrawn);

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthState).User;
        _canWrite = user.IsInRole(StaffRoles.Author);
        // Parameters also arrive again for the same statement: the sign-in is handed to the circuit
        // anew on every reconnect (a new AuthState), and roles change. That must never throw away
        // what the user typed; only another statement starts from its saved text.
        await ReloadAsync(resetText: !(_view?.Statement.Id == Id && Dirty));
    }

    private async Task ReloadAsync(bool resetText)
    {
        if (await FetchAsync() is { } loaded) await ApplyAsync(loaded.View, loaded.Model, resetText);
    }

    private async Task<(StatementView View, LiquidModel Model)?> FetchAsync()
    {
        try
        {
            var user = (await AuthState).User;
            return await Statements.RunAsync(async s =>
            {
                var view = await s.GetAsync(user, Id);
                return (view, await s.ModelAsync(user, view.Incident.Id));
            });
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; return null; }
    }

    private async Task ApplyAsync(StatementView view, LiquidModel model, bool resetText)
    {
        var newRevision = _view?.Current.Id != view.Current.Id;
        (_view, _model) = (view, model);
        if (resetText)
        {
            (_title, _body, _base) = (_view.Current.TitleSource, _view.Current.Body, _view.Current.Id);
            _savedMeanwhile = null;
        }
        if (newRevision || _view.Revisions.All(r => r.Id != _compareFrom))
        {
            _compareTo = _view.Current.Id;
            _compareFrom = _view.Revisions.Count > 1 ? _view.Revisions[1].Id : _view.Current.Id;
        }
        await RefreshPreviewAsync(typed: false);
    }

    protected override bool Shows(ChangeEvent change) =>
        !change.IsPresence && (change.StatementId == Id
            || (_view is { } view && change.IncidentId == view.Incident.Id
                // Facts feed the preview and the "facts changed" warning; a correction of a published statement is listed here.
                && (change.Action.StartsWith("fact.", StringComparison.Ordinal)
                    || (change.Action == "statement.created" && view.Statement.State == StatementState.Published))));

    protected override async Task RefreshAsync(ChangeEvent change)
    {
        _flashKey = change.StatementId == Id ? Id.ToString() : "facts";
        // This user's own save, restore or re-render reloads when it finishes.
        if (_busy) return;
        if (await FetchAsync() is not { } loaded) return;
        var (view, model) = loaded;
        if (view.Current.Id != _view?.Current.Id) _flashKey = RevisionKey(view.Current.Id);

        if (view.Current.Id == _base)
        {
            await ApplyAsync(view, model, resetText: false);
        }
        else if (!Dirty)
        {
            // Nothing typed: show the new revision.
            await ApplyAsync(view, model, resetText: true);
        }
        else
        {
            // Keep every character typed, and the base it was typed on, so saving meets the 409 check.
            await ApplyAsync(view, model, resetText: false);
            var actor = change.Action == "statement.revised" && change.StatementId == Id ? change.ActorName : view.Current.AuthorName;
            _savedMeanwhile = (actor, view.Current.Number);
        }
    }

    protected override string HighlightKey(ChangeEvent change) => _flashKey;

    private static string RevisionKey(Guid revisionId) => "revision-" + revisionId;

    private string RevisionRowClass(StatementRevision revision, int _) => FlashClass(RevisionKey(revision.Id));

    private Task UpdatePreview() => RefreshPreviewAsync(typed: true);

    /// <summary>
    /// Renders the unsaved text at the render gate (it takes turns with everyone's renders); what the author
    /// types counts against their preview allowance, a reload does not. The newest request's answer wins.
    /// </summary>
    private async Task RefreshPreviewAsync(bool typed)
    {
        if (_view is null || _model is null) return;
        var seq = ++_previewSeq;
        var (model, kind, title, body) = (_model, _view.Statement.Kind, _title, _body);
        try
        {
            if (typed) RenderGate.TakePreview((await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
            var (outcome, counts) = await RenderGate.RunAsync(() => Renderer.Preview(model, kind, title, body));
            if (seq != _previewSeq) return;
            _previewPaused = null;
            _problems = outcome.Problems;
            if (outcome.Result is not null) _preview = outcome.Result;
            _counts = counts ?? _counts;
        }
        catch (TooManyRequestsException e) when (seq == _previewSeq)
        {
            _previewPaused = e.Message;
        }
    }

    private Task SaveAsync() => SaveOnAsync(_base);

    private async Task SaveOnAsync(Guid baseRevision)
    {
        _busy = true;
        _error = null;
        try
        {
            var user = (await AuthState).User;
            await Statements.RunAsync(s => s.SaveAsync(user, Id, _title, _body, baseRevision));
            _conflict = null;
            await ReloadAsync(resetText: true);
        }
        catch (ConflictException e)
        {
            // Keep the author's text; show what the other person changed.
            var mine = _view!.Revisions.FirstOrDefault(r => r.Id == _base);
            await ReloadAsync(resetText: false);
            _conflict = e;
            _savedMeanwhile = null;
            _conflictFrom = mine?.Number ?? 0;
            _conflictDiff = mine is null ? [] : StatementService.Diff(mine, _view!.Current);
        }
        catch (AppValidationException e) { _error = "Not saved: " + string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
        finally { _busy = false; }
    }

    private async Task LoadTheirs()
    {
        (_title, _body, _base) = (_view!.Current.TitleSource, _view.Current.Body, _view.Current.Id);
        _conflict = null;
        _savedMeanwhile = null;
        await RefreshPreviewAsync(typed: false);
    }

    private async Task SaveMineOnTopAsync()
    {
        _base = _view!.Current.Id;
        await SaveOnAsync(_base);
    }

    private async Task DiscardEdits()
    {
        // The text shown is now the current revision's, so that is what a later save builds on.
        (_title, _body, _base) = (_view!.Current.TitleSource, _view.Current.Body, _view.Current.Id);
        _savedMeanwhile = null;
        await RefreshPreviewAsync(typed: false);
    }

    private Task RerenderAsync() => RunAsync(user => Statements.RunAsync(s => s.RerenderAsync(user, Id, _base)));

    private Task RestoreAsync(StatementRevision revision) => RunAsync(user => Statements.RunAsync(s => s.RestoreAsync(user, Id, revision.Id, _base)));

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
        _error = await Components.Shared.UiAction.RunAsync(async () => correction = await Statements.RunAsync(s => s.CreateCorrectionAsync(user, Id)));
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
