using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Incidents;

public sealed record FactDto(string Key, string Label, string Type, string Value, string Display, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record IncidentDto(
    Guid Id, string Slug, string Title, string Summary, string Severity, string Status, bool IsPublic,
    DateTimeOffset? DetectedAt, DateTimeOffset? AwareAt, DateTimeOffset? ResolvedAt, DateTimeOffset? NextUpdateDue,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, IReadOnlyList<FactDto>? Facts);

public sealed record FactChangeDto(string Key, string Type, string? OldValue, string NewValue, string? OldLabel, string NewLabel, DateTimeOffset At, string By);

public sealed record ActivityDto(DateTimeOffset At, string Actor, string Action, string EntityType, string EntityId, string Summary);

/// <summary>Staff API for incidents and fact sheets. The JSON bodies are read by hand so every bad field gets a message naming it.</summary>
public static class IncidentsApi
{
    public static void MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapStaffApiGroup().MapGroup("/incidents").WithTags("Incidents");

        incidents.MapGet("", async (ClaimsPrincipal user, IncidentService service, string? status, string? severity, string? q) =>
        {
            var filter = new IncidentFilter(
                status is null ? null : Parse<IncidentStatus>(status, "status"),
                severity is null ? null : Parse<IncidentSeverity>(severity, "severity"),
                q);
            return TypedResults.Ok((await service.ListAsync(user, filter)).Select(i => ToDto(i, null, service)).ToList());
        }).WithSummary("Incidents, newest change first; filter by status, severity and text (q).");

        incidents.MapGet("/{id}", async (string id, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await FindAsync(id, user, service);
            return TypedResults.Ok(ToDto(incident, incident.Facts, service));
        }).WithSummary("One incident (by id or slug) with its fact sheet.");

        incidents.MapPost("", async (JsonElement body, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await service.CreateAsync(user, ReadChanges(body, creating: true));
            return TypedResults.Created($"{StaffApi.Prefix}/incidents/{incident.Id}", new { id = incident.Id, slug = incident.Slug });
        }).WithSummary("Open an incident: {title, summary, severity, status, isPublic, nextUpdateDue?, slug?, detectedAt?, awareAt?}.");

        incidents.MapPatch("/{id}", async (string id, JsonElement body, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await FindAsync(id, user, service);
            var expected = ReadVersion(body);
            var updated = await service.UpdateAsync(user, incident.Id, ReadChanges(body, creating: false), expected);
            return TypedResults.Ok(ToDto(updated, updated.Facts, service));
        }).WithSummary("Change any of the incident's fields; send version to refuse a stale edit; null clears a time.");

        incidents.MapPut("/{id}/facts/{key}", async (string id, string key, JsonElement body, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await FindAsync(id, user, service);
            if (body.ValueKind != JsonValueKind.Object) throw new AppValidationException("body", "Send a JSON object: {label, value, type?}.");
            var label = body.TryGetProperty("label", out var l) && l.ValueKind != JsonValueKind.Null
                ? l.ValueKind == JsonValueKind.String ? l.GetString() : throw new AppValidationException("label", "label must be a string.")
                : null;
            FactType? type = body.TryGetProperty("type", out var t) && t.ValueKind != JsonValueKind.Null
                ? t.ValueKind == JsonValueKind.String ? Parse<FactType>(t.GetString()!, "type") : throw new AppValidationException("type", $"type must be a string: one of {KebabCase.Allowed<FactType>()}.")
                : null;
            if (!body.TryGetProperty("value", out var value)) throw new AppValidationException("value", "value is required.");
            var (text, inferred) = value.ValueKind switch
            {
                JsonValueKind.String => (value.GetString(), (FactType?)null),
                JsonValueKind.Number => (value.GetRawText(), FactType.Number),
                JsonValueKind.Array => (string.Join('\n', value.EnumerateArray().Select(e => e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString(),
                    JsonValueKind.Number => e.GetRawText(),
                    _ => throw new AppValidationException("value", "A list value holds strings or numbers only."),
                })), FactType.List),
                _ => throw new AppValidationException("value", "value must be a string, a number or an array of strings."),
            };
            var existing = incident.Facts.FirstOrDefault(f => f.Key == key);
            var fact = await service.SetFactAsync(user, incident.Id, key, label, type ?? (existing is null ? inferred : null), text);
            return TypedResults.Ok(ToDto(fact, service));
        }).WithSummary("Add or change a fact: {label, value, type?} with type one of text, number, list, date-time, phone, email, url.");

        incidents.MapGet("/{id}/facts/{key}/history", async (string id, string key, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await FindAsync(id, user, service);
            return TypedResults.Ok((await service.FactHistoryAsync(user, incident.Id, key))
                .Select(c => new FactChangeDto(c.Key, KebabCase.Of(c.Type), c.OldValue, c.NewValue, c.OldLabel, c.NewLabel, c.At, c.ByName)).ToList());
        }).WithSummary("Every change of one fact, newest first.");

        incidents.MapGet("/{id}/activity", async (string id, ClaimsPrincipal user, IncidentService service) =>
        {
            var incident = await FindAsync(id, user, service);
            return TypedResults.Ok((await service.ActivityAsync(user, incident.Id))
                .Select(a => new ActivityDto(a.At, a.ActorName, a.Action, a.EntityType, a.EntityId, a.Summary)).ToList());
        }).WithSummary("What happened on the incident and its statements, newest first.");
    }

    internal static async Task<Incident> FindAsync(string id, ClaimsPrincipal user, IncidentService service) =>
        Guid.TryParse(id, out var guid) ? await service.GetAsync(user, guid) : await service.GetBySlugAsync(user, id);

    public static IncidentDto ToDto(Incident i, IEnumerable<Fact>? facts, IncidentService service) => new(
        i.Id, i.Slug, i.Title, i.Summary, KebabCase.Of(i.Severity), KebabCase.Of(i.Status), i.IsPublic,
        i.DetectedAt, i.AwareAt, i.ResolvedAt, i.NextUpdateDue, i.CreatedAt, i.UpdatedAt, i.Version,
        facts?.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => ToDto(f, service)).ToList());

    public static FactDto ToDto(Fact f, IncidentService service) =>
        new(f.Key, f.Label, KebabCase.Of(f.Type), f.Value, service.Display(f.Type, f.Value), f.UpdatedAt, f.UpdatedByName);

    private static T Parse<T>(string text, string field) where T : struct, Enum =>
        KebabCase.TryParse<T>(text, out var value) ? value
            : throw new AppValidationException(field, $"\"{text}\" is not a valid {field}; use one of {KebabCase.Allowed<T>()}.");

    /// <summary>The optional version token of a PATCH; anything but a whole number (or null) is refused, not ignored.</summary>
    private static int? ReadVersion(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("version", out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var version)
            ? version
            : throw new AppValidationException("version", "version must be the whole number the incident was read with.");
    }

    private static IncidentChanges ReadChanges(JsonElement body, bool creating)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new AppValidationException("body", "Send a JSON object with the incident's fields.");
        var errors = new Dictionary<string, string[]>();
        var changes = new IncidentChanges();

        string? Text(string name)
        {
            if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return null;
            if (p.ValueKind == JsonValueKind.String) return p.GetString();
            errors[name] = [$"{name} must be a string."];
            return null;
        }
        T? Enum<T>(string name) where T : struct, System.Enum
        {
            var text = Text(name);
            if (text is null) return null;
            if (KebabCase.TryParse<T>(text, out var value)) return value;
            errors[name] = [$"\"{text}\" is not a valid {name}; use one of {KebabCase.Allowed<T>()}."];
            return null;
        }
        (DateTimeOffset? Value, bool Clear) Time(string name)
        {
            if (!body.TryGetProperty(name, out var p)) return (null, false);
            if (p.ValueKind == JsonValueKind.Null) return (null, true);
            var text = p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 9))
                return (t, false);
            errors[name] = [$"{name} must be an ISO 8601 time with an offset, e.g. 2026-11-24T16:00:00+11:00."];
            return (null, false);
        }

        changes.Title = Text("title");
        changes.Slug = Text("slug");
        changes.Summary = Text("summary");
        changes.Severity = Enum<IncidentSeverity>("severity");
        changes.Status = Enum<IncidentStatus>("status");
        if (body.TryGetProperty("isPublic", out var pub))
        {
            if (pub.ValueKind is JsonValueKind.True or JsonValueKind.False) changes.IsPublic = pub.GetBoolean();
            else errors["isPublic"] = ["isPublic must be true or false."];
        }
        (changes.DetectedAt, changes.ClearDetectedAt) = Time("detectedAt");
        (changes.AwareAt, changes.ClearAwareAt) = Time("awareAt");
        (changes.NextUpdateDue, changes.ClearNextUpdateDue) = Time("nextUpdateDue");
        if (creating && changes.Title is null && !errors.ContainsKey("title")) errors["title"] = ["Title is required."];
        if (errors.Count > 0) throw new AppValidationException(errors);
        return changes;
    }
}
