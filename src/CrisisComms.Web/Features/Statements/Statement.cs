namespace CrisisComms.Web.Features.Statements;

public enum StatementKind
{
    HoldingStatement, CeoApology, PoliceContactNotice, CustomerNotice, MediaRelease,
    RegulatorNotice, GdprNotice, Faq, StaffBriefing, SocialPost, Sms,
}

public enum Audience { Public, Customers, Media, Regulator, Staff }

/// <summary>Draft → InReview → Approved → Scheduled → Published; Withdrawn from any unpublished state.</summary>
public enum StatementState { Draft, InReview, Approved, Scheduled, Published, Withdrawn }

/// <summary>A piece of communication about an incident. Its text lives in immutable revisions.</summary>
public sealed class Statement
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    public StatementKind Kind { get; set; }
    public Audience Audience { get; set; }
    public StatementState State { get; set; }
    /// <summary>The latest revision; saving requires naming it as the base (no silent overwrites).</summary>
    public Guid? CurrentRevisionId { get; set; }
    /// <summary>The template it started from, if any (file name under content/templates without .md).</summary>
    public string? TemplateId { get; set; }
    /// <summary>When a scheduled statement is due to be published (UTC); null unless Scheduled.</summary>
    public DateTimeOffset? ScheduledFor { get; set; }
    /// <summary>The published statement this one corrects (set when it is created, never changed); null for an ordinary statement.</summary>
    public Guid? SupersedesStatementId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// When an author threw this unpublished statement away (it is then Withdrawn and left out of the
    /// incident's default statement list); null otherwise. Its revisions are kept, never deleted.
    /// </summary>
    public DateTimeOffset? DiscardedAt { get; set; }
    public int Version { get; set; }

    public List<StatementRevision> Revisions { get; set; } = [];
}

/// <summary>
/// One saved version of a statement. Never changed after it is written: editing makes a new one.
/// Holds the source (Markdown with Liquid placeholders), the fact values it was rendered with,
/// and exactly what would be published (title + sanitised HTML) with its SHA-256.
/// </summary>
public sealed class StatementRevision
{
    public const int TitleMaxLength = 200;
    /// <summary>100 KB of UTF-8.</summary>
    public const int BodyMaxBytes = 100 * 1024;

    public Guid Id { get; set; }
    public Guid StatementId { get; set; }
    public int Number { get; set; }
    /// <summary>Title source (may hold placeholders).</summary>
    public string TitleSource { get; set; } = "";
    /// <summary>Body source: Markdown with Liquid placeholders.</summary>
    public string Body { get; set; } = "";
    /// <summary>Title as published (placeholders filled).</summary>
    public string Title { get; set; } = "";
    /// <summary>Markdown after placeholders were filled: what the diff compares.</summary>
    public string RenderedMarkdown { get; set; } = "";
    /// <summary>Sanitised HTML as published.</summary>
    public string Html { get; set; } = "";
    /// <summary>SHA-256 (hex) over the published title and HTML.</summary>
    public string ContentHash { get; set; } = "";
    /// <summary>JSON object: fact key → the stored value used for this revision.</summary>
    public string FactSnapshot { get; set; } = "{}";
    public string AuthorId { get; set; } = "";
    public string AuthorName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Why this revision exists: "created", "edited", "restored from 2", "re-rendered with new facts".</summary>
    public string Note { get; set; } = "";
}
