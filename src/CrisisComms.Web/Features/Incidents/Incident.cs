namespace CrisisComms.Web.Features.Incidents;

public enum IncidentSeverity { Minor, Major, Critical }

/// <summary>Status-page convention: Investigating → Identified → Monitoring → Resolved.</summary>
public enum IncidentStatus { Investigating, Identified, Monitoring, Resolved }

/// <summary>Something that has gone wrong and that the organisation must communicate about.</summary>
public sealed class Incident
{
    public const int TitleMaxLength = 200;
    public const int SummaryMaxLength = 4000;
    public const int SlugMaxLength = 80;

    public Guid Id { get; set; }
    /// <summary>Lower-case, unique; the public address /incidents/{slug}.</summary>
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>What the public is told in one paragraph.</summary>
    public string Summary { get; set; } = "";
    public IncidentSeverity Severity { get; set; }
    public IncidentStatus Status { get; set; }
    public DateTimeOffset? DetectedAt { get; set; }
    /// <summary>When the organisation became aware (starts regulatory clocks, e.g. GDPR's 72 hours).</summary>
    public DateTimeOffset? AwareAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public bool IsPublic { get; set; }
    /// <summary>The promise made to the public: when the next update will come.</summary>
    public DateTimeOffset? NextUpdateDue { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: bumped by every update.</summary>
    public int Version { get; set; }

    public List<Fact> Facts { get; set; } = [];
}
