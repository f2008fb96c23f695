using System.Net.Mail;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>What this product accepts as a staff email address.</summary>
public static class EmailRules
{
    /// <summary>A plain address (no display name, no spaces), one @ with text on both sides, at most 256 characters.</summary>
    public static bool IsValid(string? email) =>
        !string.IsNullOrWhiteSpace(email)
        && email.Length <= ApplicationUser.EmailMaxLength
        && !email.Any(char.IsWhiteSpace)
        && email.Count(c => c == '@') == 1
        && MailAddress.TryCreate(email, out var parsed)
        && parsed.Address == email
        && parsed.Host.Length > 0 && parsed.User.Length > 0;
}
