using Microsoft.AspNetCore.Components;

namespace CrisisComms.Web.Features.Incidents.Pages;

/// <summary>
/// An incident's severity as a small coloured chip: a plain span with MudChip's classes, written into the
/// page's own render tree (<c>@SeverityChip.For(incident.Severity)</c>). Not a component: it is shown once per
/// incident row, and each component instance costs a circuit ~3 KB for as long as the page is open.
/// </summary>
public static class SeverityChip
{
    public static RenderFragment For(IncidentSeverity value) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", Classes(value));
        builder.OpenElement(2, "span");
        builder.AddAttribute(3, "class", "mud-chip-content");
        builder.AddContent(4, value.ToString());
        builder.CloseElement();
        builder.CloseElement();
    };

    public static string Classes(IncidentSeverity value) => "mud-chip mud-chip-filled mud-chip-size-small mud-chip-color-" + value switch
    {
        IncidentSeverity.Critical => "error",
        IncidentSeverity.Major => "warning",
        _ => "info",
    };
}
