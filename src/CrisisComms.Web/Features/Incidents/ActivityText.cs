using System.Globalization;
using System.Text.RegularExpressions;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>
/// Audit summaries keep times as ISO 8601 (exact, unambiguous, hashed into the chain); the activity view shows each
/// of them as the reader's local time instead, through <see cref="Localise"/>.
/// </summary>
public static partial class ActivityText
{
    /// <summary>Replaces every ISO 8601 time with an offset in <paramref name="summary"/> by <paramref name="show"/>'s text for it.</summary>
    public static string Localise(string summary, Func<DateTimeOffset, string> show) =>
        IsoTime().Replace(summary, m =>
            DateTimeOffset.TryParse(m.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? show(t) : m.Value);

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})")]
    private static partial Regex IsoTime();
}
