using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Web.Features.Approvals;

public enum Decision { Approve, Reject }

/// <summary>
/// One person's decision, in one role, on one revision's content hash. Never deleted: a newer
/// revision or a rejection voids it (it stays visible as voided).
/// </summary>
public sealed class Approval
{
    public const int CommentMaxLength = 2000;

    public Guid Id { get; set; }
    public Guid StatementId { get; set; }
    public Guid RevisionId { get; set; }
    /// <summary>The exact content signed: the revision's SHA-256.</summary>
    public string ContentHash { get; set; } = "";
    public string Role { get; set; } = "";
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    public Decision Decision { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public string? VoidedReason { get; set; }

    public bool IsActive => VoidedAt is null;
}

/// <summary>Which roles must approve a kind of statement. Admins change it; every change is audited.</summary>
public sealed class ApprovalPolicy
{
    public StatementKind Kind { get; set; }
    /// <summary>Comma-separated role names, e.g. "Reviewer,Approver".</summary>
    public string Roles { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

/// <summary>A remark on a statement, in Markdown rendered through the same sanitising pipeline.</summary>
public sealed class StatementComment
{
    public const int BodyMaxLength = 10_000;

    public Guid Id { get; set; }
    public Guid StatementId { get; set; }
    /// <summary>The revision that was current when the comment was written.</summary>
    public Guid RevisionId { get; set; }
    public int RevisionNumber { get; set; }
    public string AuthorId { get; set; } = "";
    public string AuthorName { get; set; } = "";
    public string Body { get; set; } = "";
    public string Html { get; set; } = "";
    public DateTimeOffset At { get; set; }
}
