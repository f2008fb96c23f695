using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>One published update as the public sees it. <paramref name="Corrects"/>: the statement it is a correction of.</summary>
public sealed record PublicUpdate(Guid Id, Guid StatementId, StatementKind Kind, string Title, string Html, string Text, DateTimeOffset PublishedAt, Guid? Corrects = null);

/// <summary>A public incident with its published updates, newest first.</summary>
public sealed record PublicIncident(
    Guid Id, string Slug, string Title, string Summary, IncidentSeverity Severity, IncidentStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, DateTimeOffset? NextUpdateDue,
    IReadOnlyList<PublicUpdate> Updates)
{
    public bool Unresolved => Status != IncidentStatus.Resolved;
    public PublicUpdate? Latest => Updates.Count > 0 ? Updates[0] : null;

    /// <summary>The published update of a statement of this incident, if the public has it.</summary>
    public PublicUpdate? UpdateOf(Guid statementId) => Updates.FirstOrDefault(u => u.StatementId == statementId);

    /// <summary>Published corrections of an update, oldest first.</summary>
    public IReadOnlyList<PublicUpdate> CorrectionsOf(PublicUpdate update) =>
        Updates.Where(u => u.Corrects == update.StatementId).OrderBy(u => u.PublishedAt).ToList();
    /// <summary>When something about it last changed for the public.</summary>
    public DateTimeOffset LastChange => Latest is { } u && u.PublishedAt > UpdatedAt ? u.PublishedAt : UpdatedAt;
}

/// <summary>Statuspage-style overall indicator.</summary>
public enum StatusIndicator { None, Minor, Major, Critical }

/// <summary>Everything the public routes show, built in one go from the database (or read from a snapshot).</summary>
public sealed record PublicStatus(string OrganisationName, string TimeZone, DateTimeOffset GeneratedAt, IReadOnlyList<PublicIncident> Incidents)
{
    public IEnumerable<PublicIncident> Unresolved => Incidents.Where(i => i.Unresolved);

    public StatusIndicator Indicator => Unresolved.Select(i => i.Severity).DefaultIfEmpty().Max() switch
    {
        _ when !Unresolved.Any() => StatusIndicator.None,
        IncidentSeverity.Critical => StatusIndicator.Critical,
        IncidentSeverity.Major => StatusIndicator.Major,
        _ => StatusIndicator.Minor,
    };

    public string Description => Indicator switch
    {
        StatusIndicator.None => "All systems operational",
        StatusIndicator.Minor => "Minor incident in progress",
        StatusIndicator.Major => "Major incident in progress",
        _ => "Critical incident in progress",
    };

    public DateTimeOffset UpdatedAt => Incidents.Select(i => i.LastChange).DefaultIfEmpty(GeneratedAt).Max();

    public IEnumerable<(PublicIncident Incident, PublicUpdate Update)> AllUpdates =>
        Incidents.SelectMany(i => i.Updates.Select(u => (i, u))).OrderByDescending(x => x.u.PublishedAt);
}
