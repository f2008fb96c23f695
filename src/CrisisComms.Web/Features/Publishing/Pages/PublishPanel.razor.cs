using CrisisComms.Web.Components.Shared;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Publishing.Pages;

/// <summary>
/// Schedule, reschedule, unschedule, publish now. The rules are in <see cref="PublishingService"/>.
/// Live: a schedule change, publication or failed attempt for this statement flashes the panel (a
/// failure is shown with its reason); the statement itself arrives from the page (<see cref="View"/>).
/// </summary>
public partial class PublishPanel : LiveComponentBase
{
    [Parameter, EditorRequired] public StatementView View { get; set; } = default!;
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private PerOperation<PublishingService> Publishing { get; set; } = default!;
    [Inject] private StaffTime Time { get; set; } = default!;
    [Inject] private IOptions<OrganisationOptions> Org { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private string _local = "";
    private string? _hint;
    private string? _error;
    private bool _busy;
    private ITimer? _tick;
    private string? _failure;
    private bool _confirmPublish;

    /// <summary>Where "publish now" sends the text, said before it is done (only outside audiences of public incidents reach the status page).</summary>
    private string PublishNowText
    {
        get
        {
            var instead = View.Statement.ScheduledFor is { } at ? $" instead of at {Time.Show(at)}" : "";
            var audience = KebabCase.Of(View.Statement.Audience);
            if (StatementService.OutsideAudiences.Contains(View.Statement.Audience) && View.Incident.IsPublic)
                return $"Publish now{instead}: visible on the public status page and its feeds at once, for everyone ({audience}). " +
                       "A published statement never changes; a mistake needs a correction.";
            var why = View.Incident.IsPublic ? $"its audience is {audience}" : "the incident is not public";
            return $"Publish now{instead}: recorded as published for {audience} at once. It does not appear on the public status page ({why}). " +
                   "A published statement never changes; a mistake needs a correction.";
        }
    }

    protected override void OnInitialized() =>
        // The countdown ticks every second; when the time comes the page reloads the statement to show it published.
        _tick = Clock.CreateTimer(_ => InvokeAsync(TickAsync), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    protected override void OnParametersSet()
    {
        if (_local.Length == 0)
        {
            var at = TimeZoneInfo.ConvertTime(View.Statement.ScheduledFor ?? Time.Now.AddMinutes(15), Org.Value.TimeZoneInfo);
            _local = at.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        }
        UpdateHint();
    }

    protected override bool Shows(ChangeEvent change) => change.StatementId == View.Statement.Id && PublishingChanges.IsPublishingStep(change);

    protected override Task RefreshAsync(ChangeEvent change)
    {
        // The job retries a failed attempt; the next publication or schedule change supersedes the note.
        _failure = change.Action == "statement.publish-failed" ? change.Summary : null;
        return Task.CompletedTask;
    }

    protected override string HighlightKey(ChangeEvent change) => "publish";

    private async Task TickAsync()
    {
        if (View.Statement.State == StatementState.Scheduled && View.Statement.ScheduledFor is { } at && at <= Time.Now)
            await Changed.InvokeAsync();
        StateHasChanged();
    }

    private void UpdateHint()
    {
        _hint = ScheduleTime.TryParseLocal(_local, Org.Value.TimeZoneInfo, out var utc, out var note, out var error)
            ? $"= {utc:yyyy-MM-dd HH:mm} UTC, {Time.Relative(utc)}" + (note is null ? "" : ". " + note)
            : error;
    }

    private Task ScheduleAsync() => RunAsync(async user =>
    {
        if (!ScheduleTime.TryParseLocal(_local, Org.Value.TimeZoneInfo, out var utc, out _, out var error))
            throw new AppValidationException("at", error!);
        await Publishing.RunAsync(p => p.ScheduleAsync(user, View.Statement.Id, utc));
    });

    private Task UnscheduleAsync() => RunAsync(user => Publishing.RunAsync(p => p.UnscheduleAsync(user, View.Statement.Id)));

    private Task PublishNowAsync()
    {
        _confirmPublish = false;
        return RunAsync(user => Publishing.RunAsync(p => p.PublishNowAsync(user, View.Statement.Id)));
    }

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task> action)
    {
        _busy = true;
        var user = (await AuthState).User;
        _error = await Components.Shared.UiAction.RunAsync(() => action(user));
        await Changed.InvokeAsync();
        _busy = false;
    }

    public override void Dispose()
    {
        _tick?.Dispose();
        base.Dispose();
    }
}
