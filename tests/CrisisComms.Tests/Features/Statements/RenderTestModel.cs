using System.Globalization;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>Small Liquid models for renderer tests, with facts typed and displayed the way the app does it.</summary>
internal static class RenderTestModel
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-AU");
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    /// <summary>A fact as LiquidModel.For would build it from a stored value.</summary>
    public static TemplateFact Fact(string key, FactType type, string value) =>
        new(key, type, value, FactValues.Display(type, value, Culture, Zone), type == FactType.List ? FactValues.Items(value) : []);

    /// <summary>org.name, a few incident fields (next_update_due known but unset) and the given facts.</summary>
    public static LiquidModel With(params TemplateFact[] facts) => new(
        new Dictionary<string, string?> { ["name"] = "Example Water" },
        new Dictionary<string, string?>
        {
            ["title"] = "Water supply interruption",
            ["summary"] = "Some suburbs have no water.",
            ["status"] = "Open",
            ["next_update_due"] = null,
        },
        facts.ToDictionary(f => f.Key));

    /// <summary>The usual facts: a number, a list, a phone number and a text fact.</summary>
    public static LiquidModel Standard() => With(
        Fact("affected_count", FactType.Number, "6000000"),
        Fact("suburbs", FactType.List, "Ainslie\nBraddon\nCampbell"),
        Fact("hotline", FactType.Phone, "1800 160 401"),
        Fact("agency", FactType.Text, "Australian Federal Police"));
}
