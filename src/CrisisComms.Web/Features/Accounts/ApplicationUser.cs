using Microsoft.AspNetCore.Identity;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>A staff member. Sign-in uses the email as the user name.</summary>
public sealed class ApplicationUser : IdentityUser
{
    public const int DisplayNameMaxLength = 100;
    public const int EmailMaxLength = 256;

    [PersonalData]
    public string DisplayName { get; set; } = "";

    /// <summary>Set by an admin; a disabled account cannot sign in and its sessions stop on their next request.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
