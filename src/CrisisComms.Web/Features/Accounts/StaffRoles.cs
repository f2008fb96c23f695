namespace CrisisComms.Web.Features.Accounts;

/// <summary>The four staff roles. A user may hold several.</summary>
public static class StaffRoles
{
    /// <summary>Comms staff: open incidents, draft and schedule statements.</summary>
    public const string Author = "Author";
    /// <summary>Legal: review statements before release.</summary>
    public const string Reviewer = "Reviewer";
    /// <summary>Executives: approve releases.</summary>
    public const string Approver = "Approver";
    /// <summary>Manages accounts, roles and settings. Grants no approval by itself.</summary>
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Author, Reviewer, Approver, Admin];

    /// <summary>Returns the canonical spelling of a role name, or null when it is not a staff role.</summary>
    public static string? Normalise(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Describe(string role) => role switch
    {
        Author => "Comms staff: drafts and schedules statements",
        Reviewer => "Legal: reviews statements",
        Approver => "Executive: approves releases",
        Admin => "Manages accounts and settings",
        _ => role,
    };
}
