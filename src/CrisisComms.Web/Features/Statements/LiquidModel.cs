using System.Globalization;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Infrastructure.Options;

namespace CrisisComms.Web.Features.Statements;

/// <summary>One fact as templates see it: the stored value, how it reads, and its items if it is a list.</summary>
public sealed record TemplateFact(string Key, FactType Type, string Value, string Display, IReadOnlyList<string> Items);

/// <summary>
/// Everything a template may refer to: {{ org.* }}, {{ incident.* }} and {{ facts.* }}.
/// A null value means "known name, no value yet": using it is an error, not empty text.
/// </summary>
public sealed record LiquidModel(
    IReadOnlyDictionary<string, string?> Org,
    IReadOnlyDictionary<string, string?> Incident,
    IReadOnlyDictionary<string, TemplateFact> Facts)
{
    public static LiquidModel For(Incident incident, IEnumerable<Fact> facts, OrganisationOptions org)
    {
        var culture = CultureInfo.GetCultureInfo(org.Culture);
        var zone = org.TimeZoneInfo;
        string? Time(DateTimeOffset? t) => t is { } v ? FactValues.FormatTime(v, culture, zone) : null;

        return new LiquidModel(
            new Dictionary<string, string?> { ["name"] = org.Name },
            new Dictionary<string, string?>
            {
                ["title"] = incident.Title,
                ["summary"] = incident.Summary,
                ["slug"] = incident.Slug,
                ["status"] = incident.Status.ToString(),
                ["severity"] = incident.Severity.ToString(),
                ["detected_at"] = Time(incident.DetectedAt),
                ["aware_at"] = Time(incident.AwareAt),
                ["next_update_due"] = Time(incident.NextUpdateDue),
            },
            facts.ToDictionary(f => f.Key, f => new TemplateFact(
                f.Key, f.Type, f.Value,
                FactValues.Display(f.Type, f.Value, culture, zone),
                f.Type == FactType.List ? FactValues.Items(f.Value) : [])));
    }

    /// <summary>The names a template may use, for the editor's help and for error messages.</summary>
    public IEnumerable<string> Names =>
        Org.Keys.Select(k => "org." + k).Concat(Incident.Keys.Select(k => "incident." + k)).Concat(Facts.Keys.Select(k => "facts." + k));
}
