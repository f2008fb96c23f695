namespace CrisisComms.Web.Features.Incidents;

/// <summary>What kind of value a fact holds; decides validation and how it is shown.</summary>
public enum FactType { Text, Number, List, DateTime, Phone, Email, Url }

/// <summary>
/// One entry of an incident's fact sheet (affected_count = 6000000, hotline, police agency …):
/// the single source of truth that statement templates refer to as {{ facts.key }}.
/// </summary>
public sealed class Fact
{
    public const int KeyMaxLength = 64;
    public const int LabelMaxLength = 200;
    public const int ValueMaxLength = 4000;

    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    /// <summary>snake_case, unique per incident, used in templates.</summary>
    public string Key { get; set; } = "";
    public string Label { get; set; } = "";
    public FactType Type { get; set; }
    /// <summary>Canonical value: invariant number, ISO 8601 UTC time, or for lists one item per line.</summary>
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedById { get; set; } = "";
    public string UpdatedByName { get; set; } = "";
    public int Version { get; set; }
}

/// <summary>Every change to a fact, kept: who, when, before and after.</summary>
public sealed class FactChange
{
    public long Id { get; set; }
    public Guid IncidentId { get; set; }
    public Guid FactId { get; set; }
    public string Key { get; set; } = "";
    public FactType Type { get; set; }
    public string? OldValue { get; set; }
    public string NewValue { get; set; } = "";
    public string? OldLabel { get; set; }
    public string NewLabel { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string ById { get; set; } = "";
    public string ByName { get; set; } = "";
}
