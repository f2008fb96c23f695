using System.Text.Json;

namespace CrisisComms.Web.Features.Statements;

/// <summary>Enumerations travel as kebab-case strings ("ceo-apology", "in-review").</summary>
public static class KebabCase
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string Allowed<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Of));

    /// <summary>"Ceo apology" → for people: "CEO apology", "Police-contact notice".</summary>
    public static string Describe(StatementKind kind) => kind switch
    {
        StatementKind.HoldingStatement => "Holding statement",
        StatementKind.CeoApology => "CEO apology",
        StatementKind.PoliceContactNotice => "Police-contact notice",
        StatementKind.CustomerNotice => "Customer notice",
        StatementKind.MediaRelease => "Media release",
        StatementKind.RegulatorNotice => "Regulator notice",
        StatementKind.GdprNotice => "GDPR notice",
        StatementKind.Faq => "FAQ",
        StatementKind.StaffBriefing => "Staff briefing",
        StatementKind.SocialPost => "Social post",
        StatementKind.Sms => "SMS",
        _ => kind.ToString(),
    };
}
