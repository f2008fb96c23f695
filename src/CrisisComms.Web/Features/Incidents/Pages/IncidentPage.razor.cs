using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>One incident: overview, fact sheet, statements, activity.</summary>
public partial class IncidentPage
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private StatementService Statements { get; set; } = default!;
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

    protected override Task OnParametersSetAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        try
        {
            var user = (await AuthState).User;
            _incident = await Incidents.GetAsync(user, Id);
            _statements = await Statements.ListForIncidentAsync(user, Id);
            _activity = await Incidents.ActivityAsync(user, Id);
        }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException) { _error = e.Message; }
    }

    private async Task CreateStatementAsync()
    {
        _busy = true;
        try
        {
            var view = await Statements.CreateAsync((await AuthState).User, Id, new NewStatement { Template = _templateId });
            Navigation.NavigateTo($"/dashboard/statements/{view.Statement.Id}");
        }
        catch (AppValidationException e) { _error = "The template cannot be used for this incident yet: " + string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        catch (Exception e) when (e is NotFoundException or AccessDeniedException or ConflictException) { _error = e.Message; }
        finally { _busy = false; }
    }
}
