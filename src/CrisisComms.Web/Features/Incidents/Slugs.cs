using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>URL slugs for incidents: lower-case ASCII letters, digits and single hyphens.</summary>
public static partial class Slugs
{
    public static string FromTitle(string title)
    {
        var decomposed = (title ?? "").Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        var slug = Hyphens().Replace(sb.ToString(), "-").Trim('-');
        if (slug.Length > Incident.SlugMaxLength - 4) slug = slug[..(Incident.SlugMaxLength - 4)].TrimEnd('-');
        return slug.Length == 0 ? "incident" : slug;
    }

    public static bool IsValid(string slug) => slug.Length is > 0 and <= Incident.SlugMaxLength && Pattern().IsMatch(slug);

    [GeneratedRegex("-{2,}")]
    private static partial Regex Hyphens();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();
}
