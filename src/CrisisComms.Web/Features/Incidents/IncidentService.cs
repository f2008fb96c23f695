using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>Filters for the incidents list; null means "any".</summary>
public sealed record IncidentFilter(IncidentStatus? Status = null, IncidentSeverity? Severity = null, string? Text = null);

/// <summary>
/// Fields to set on an incident. A null property is left as it is; the Clear* flags empty a time.
/// Used for create (title, severity, status required) and for partial updates alike.
/// </summary>
public sealed class IncidentChanges
{
    public string? Title { get; set; }
    public string? Slug { get; set; }
    public string? Summary { get; set; }
    public IncidentSeverity? Severity { get; set; }
    public IncidentStatus? Status { get; set; }
    public bool? IsPublic { get; set; }
    public DateTimeOffset? DetectedAt { get; set; }
    public DateTimeOffset? AwareAt { get; set; }
    public DateTimeOffset? NextUpdateDue { get; set; }
    public bool ClearDetectedAt { get; set; }
    public bool ClearAwareAt { get; set; }
    public bool ClearNextUpdateDue { get; set; }
}

/// <summary>
/// Incidents and their fact sheets. Authors change them; every staff role may read them.
/// Every change writes its audit entry (and, for facts, a kept history row) in the same transaction.
/// </summary>
public sealed partial class IncidentService(
    AppDbContext db,
    StaffAuthorizer authorizer,
    AuditLog audit,
    TimeProvider time,
    IOptions<OrganisationOptions> org,
    IncidentEvents events)
{
    public static readonly string[] Readers = [.. StaffRoles.All];
    public static readonly string[] Writers = [StaffRoles.Author];

    /// <summary>Who may change what the public reads: make an incident public, or change a public incident's title or summary.</summary>
    public static readonly string[] SignOff = [StaffRoles.Approver, StaffRoles.Admin];

    /// <summary>Anyone who may change some part of an incident (what each may change is checked per field).</summary>
    private static readonly string[] Editors = [StaffRoles.Author, .. SignOff];

    /// <summary>The rule, as a 403 names it.</summary>
    public const string PublicTextRule =
        "What the public reads goes through sign-off: making an incident public, or changing the title or summary of a public incident, " +
        "needs an Approver or Admin. Nothing was saved.";

    /// <summary>True when this change alters what the public reads at once (and so needs <see cref="SignOff"/>).</summary>
    public static bool ChangesPublicText(bool wasPublic, string oldTitle, string oldSummary, bool isPublic, string newTitle, string newSummary) =>
        (!wasPublic && isPublic) || (wasPublic && isPublic && (oldTitle != newTitle || oldSummary != newSummary));

    public async Task<IReadOnlyList<Incident>> ListAsync(ClaimsPrincipal actor, IncidentFilter filter)
    {
        await authorizer.RequireAsync(actor, Readers);
        var query = db.Incidents.AsNoTracking();
        if (filter.Status is { } status) query = query.Where(i => i.Status == status);
        if (filter.Severity is { } severity) query = query.Where(i => i.Severity == severity);
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim().ToLower(CultureInfo.InvariantCulture);
            query = query.Where(i => i.Title.ToLower().Contains(text) || i.Summary.ToLower().Contains(text) || i.Slug.Contains(text));
        }
        return await query.OrderByDescending(i => i.UpdatedAt).Take(500).ToListAsync();
    }

    public async Task<Incident> GetAsync(ClaimsPrincipal actor, Guid id)
    {
        await authorizer.RequireAsync(actor, Readers);
        return await db.Incidents.AsNoTracking().Include(i => i.Facts).FirstOrDefaultAsync(i => i.Id == id)
            ?? throw new NotFoundException($"No incident with id {id}.");
    }

    public async Task<Incident> GetBySlugAsync(ClaimsPrincipal actor, string slug)
    {
        await authorizer.RequireAsync(actor, Readers);
        var key = (slug ?? "").Trim().ToLowerInvariant();
        return await db.Incidents.AsNoTracking().Include(i => i.Facts).FirstOrDefaultAsync(i => i.Slug == key)
            ?? throw new NotFoundException($"No incident with slug \"{slug}\".");
    }

    public async Task<Incident> CreateAsync(ClaimsPrincipal actor, IncidentChanges input)
    {
        var user = await authorizer.RequireAsync(actor, Writers);
        if (input.IsPublic == true && !SignOff.Any(user.IsIn))
            throw new AccessDeniedException(PublicTextRule);
        var errors = new Dictionary<string, string[]>();
        if (input.Severity is null) errors["severity"] = [$"Severity is required: one of {string.Join(", ", Enum.GetNames<IncidentSeverity>().Select(n => n.ToLowerInvariant()))}."];
        if (string.IsNullOrWhiteSpace(input.Title)) errors["title"] = ["Title is required."];
        var now = time.GetUtcNow();
        var incident = new Incident
        {
            Id = Guid.NewGuid(),
            Status = IncidentStatus.Investigating,
            CreatedAt = now,
            CreatedById = user.Id,
            UpdatedAt = now,
        };
        Apply(incident, input, errors, creating: true);
        incident.Slug = string.IsNullOrWhiteSpace(input.Slug) ? await UniqueSlugAsync(Slugs.FromTitle(incident.Title)) : incident.Slug;
        if (errors.Count > 0) throw new AppValidationException(errors);
        if (!string.IsNullOrWhiteSpace(input.Slug)) await EnsureSlugFreeAsync(incident.Slug, incident.Id);

        db.Incidents.Add(incident);
        audit.Record(new AuditActor(user.Id, user.Email), "incident.created", "incident", incident.Id.ToString(),
            $"Opened \"{incident.Title}\" ({incident.Severity}, {incident.Status}, {(incident.IsPublic ? "public" : "not public")})" + SignedOff(user, incident.IsPublic));
        await SaveUniqueAsync(incident.Slug);
        await events.RaiseAsync(new IncidentChanged(incident.Id, incident.IsPublic, WasPublic: false));
        return incident;
    }

    /// <summary>Changes an incident. With <paramref name="expectedVersion"/>, a stale edit (someone saved in between) is refused.</summary>
    public async Task<Incident> UpdateAsync(ClaimsPrincipal actor, Guid id, IncidentChanges changes, int? expectedVersion = null)
    {
        var user = await authorizer.RequireAsync(actor, Editors);
        var incident = await db.Incidents.Include(i => i.Facts).FirstOrDefaultAsync(i => i.Id == id)
            ?? throw new NotFoundException($"No incident with id {id}.");
        if (expectedVersion is { } v && v != incident.Version)
            throw new ConflictException($"Someone else changed this incident since you opened it (version {incident.Version}, yours {v}). Reload to see their changes.");

        var before = Describe(incident);
        var (wasPublic, oldTitle, oldSummary, otherBefore) = (incident.IsPublic, incident.Title, incident.Summary, OtherFields(incident));
        var errors = new Dictionary<string, string[]>();
        Apply(incident, changes, errors, creating: false);
        if (errors.Count > 0) throw new AppValidationException(errors);
        var publicText = ChangesPublicText(wasPublic, oldTitle, oldSummary, incident.IsPublic, incident.Title, incident.Summary);
        // Everything else (status, severity, times, slug, taking it off the public page) stays the Authors' work.
        var otherChanges = OtherFields(incident) != otherBefore || (wasPublic && !incident.IsPublic);
        if ((publicText && !SignOff.Any(user.IsIn)) || (otherChanges && !user.IsIn(StaffRoles.Author)))
        {
            // Nothing of the refused change may linger in this context for a later save.
            db.ChangeTracker.Clear();
            if (publicText && !SignOff.Any(user.IsIn)) throw new AccessDeniedException(PublicTextRule);
            throw new AccessDeniedException($"Changing an incident's status, severity, times or address needs the {StaffRoles.Author} role. Nothing was saved.");
        }
        if (changes.Slug is not null) await EnsureSlugFreeAsync(incident.Slug, incident.Id);
        var after = Describe(incident);
        if (before.SequenceEqual(after)) return incident;

        incident.Version++;
        incident.UpdatedAt = time.GetUtcNow();
        audit.Record(new AuditActor(user.Id, user.Email), "incident.updated", "incident", incident.Id.ToString(),
            Summarise(before, after) + SignedOff(user, publicText));
        await SaveUniqueAsync(incident.Slug);
        await events.RaiseAsync(new IncidentChanged(incident.Id, incident.IsPublic, wasPublic));
        return incident;
    }

    /// <summary>Adds or changes one fact. The type of an existing fact stays unless a new one is given; the old value is kept in the history.</summary>
    public async Task<Fact> SetFactAsync(ClaimsPrincipal actor, Guid incidentId, string key, string? label, FactType? type, string? value)
    {
        var user = await authorizer.RequireAsync(actor, Writers);
        var incident = await db.Incidents.Include(i => i.Facts).FirstOrDefaultAsync(i => i.Id == incidentId)
            ?? throw new NotFoundException($"No incident with id {incidentId}.");
        var errors = new Dictionary<string, string[]>();
        key = (key ?? "").Trim();
        if (!FactKey().IsMatch(key))
            errors["key"] = [$"\"{Shorten(key)}\" is not a fact key: use lower-case letters, digits and underscores, starting with a letter (at most {Fact.KeyMaxLength})."];

        var existing = incident.Facts.FirstOrDefault(f => f.Key == key);
        var newLabel = (label ?? existing?.Label ?? "").Trim();
        if (newLabel.Length == 0) errors["label"] = ["Label is required (what people see, e.g. \"Customers affected\")."];
        else if (newLabel.Length > Fact.LabelMaxLength) errors["label"] = [$"Label must be at most {Fact.LabelMaxLength} characters."];
        else UserText.Check(errors, "label", "Label", newLabel, multiLine: false);
        UserText.Check(errors, "value", "Value", value, multiLine: true);
        var newType = type ?? existing?.Type ?? FactType.Text;
        if (!FactValues.TryNormalise(newType, value, org.Value.TimeZoneInfo, out var normalised, out var valueError, CultureInfo.GetCultureInfo(org.Value.Culture)))
            errors["value"] = [$"{newType} fact: {valueError}"];
        if (errors.Count > 0) throw new AppValidationException(errors);

        if (existing is not null && existing.Value == normalised && existing.Label == newLabel && existing.Type == newType) return existing;

        var now = time.GetUtcNow();
        var fact = existing ?? new Fact { Id = Guid.NewGuid(), IncidentId = incident.Id, Key = key };
        db.FactChanges.Add(new FactChange
        {
            IncidentId = incident.Id, FactId = fact.Id, Key = key, Type = newType,
            OldValue = existing?.Value, NewValue = normalised, OldLabel = existing?.Label, NewLabel = newLabel,
            At = now, ById = user.Id, ByName = user.Email,
        });
        var oldDisplay = existing is null ? null : Display(existing.Type, existing.Value);
        fact.Label = newLabel;
        fact.Type = newType;
        fact.Value = normalised;
        fact.UpdatedAt = now;
        fact.UpdatedById = user.Id;
        fact.UpdatedByName = user.Email;
        fact.Version++;
        if (existing is null) db.Facts.Add(fact);
        incident.UpdatedAt = now;
        audit.Record(new AuditActor(user.Id, user.Email), existing is null ? "fact.added" : "fact.changed", "incident", incident.Id.ToString(),
            existing is null
                ? $"Fact {key} ({newLabel}) = {Shorten(Display(newType, normalised))}"
                : $"Fact {key}: {Shorten(oldDisplay!)} → {Shorten(Display(newType, normalised))}");
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"Someone else changed fact {key} at the same moment. Reload and try again.");
        }
        return fact;
    }

    /// <summary>An incident's facts alone (the fact sheet's live refresh), without reloading the incident.</summary>
    public async Task<IReadOnlyList<Fact>> FactsAsync(ClaimsPrincipal actor, Guid incidentId)
    {
        await authorizer.RequireAsync(actor, Readers);
        return await db.Facts.AsNoTracking().Where(f => f.IncidentId == incidentId).ToListAsync();
    }

    public async Task<IReadOnlyList<FactChange>> FactHistoryAsync(ClaimsPrincipal actor, Guid incidentId, string? key = null)
    {
        await authorizer.RequireAsync(actor, Readers);
        var query = db.FactChanges.AsNoTracking().Where(c => c.IncidentId == incidentId);
        if (key is not null) query = query.Where(c => c.Key == key);
        return await query.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).ToListAsync();
    }

    /// <summary>What happened on this incident and its statements, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ActivityAsync(ClaimsPrincipal actor, Guid incidentId, int take = 200)
    {
        await authorizer.RequireAsync(actor, Readers);
        var id = incidentId.ToString();
        var statementIds = await db.Statements.Where(s => s.IncidentId == incidentId).Select(s => s.Id.ToString()).ToListAsync();
        return await db.AuditEntries.AsNoTracking()
            .Where(a => (a.EntityType == "incident" && a.EntityId == id) || (a.EntityType == "statement" && statementIds.Contains(a.EntityId)))
            .OrderByDescending(a => a.Id).Take(take).ToListAsync();
    }

    /// <summary>A value as readers see it, in the organisation's culture and time zone.</summary>
    public string Display(FactType type, string value) =>
        FactValues.Display(type, value, CultureInfo.GetCultureInfo(org.Value.Culture), org.Value.TimeZoneInfo);

    private void Apply(Incident incident, IncidentChanges c, Dictionary<string, string[]> errors, bool creating)
    {
        if (c.Title is not null)
        {
            var title = c.Title.Trim();
            if (title.Length == 0) errors["title"] = ["Title is required."];
            else if (title.Length > Incident.TitleMaxLength) errors["title"] = [$"Title must be at most {Incident.TitleMaxLength} characters."];
            else if (UserText.Check(errors, "title", "Title", title, multiLine: false)) incident.Title = title;
        }
        if (c.Slug is not null)
        {
            var slug = c.Slug.Trim().ToLowerInvariant();
            if (!Slugs.IsValid(slug))
                errors["slug"] = [$"\"{Shorten(c.Slug)}\" is not a valid slug: lower-case letters, digits and single hyphens, at most {Incident.SlugMaxLength} characters."];
            else incident.Slug = slug;
        }
        if (c.Summary is not null)
        {
            if (c.Summary.Length > Incident.SummaryMaxLength) errors["summary"] = [$"Summary must be at most {Incident.SummaryMaxLength} characters."];
            else if (UserText.Check(errors, "summary", "Summary", c.Summary, multiLine: true)) incident.Summary = c.Summary.Trim();
        }
        if (c.Severity is { } severity) incident.Severity = severity;
        if (c.Status is { } status)
        {
            if (status == IncidentStatus.Resolved && incident.Status != IncidentStatus.Resolved) incident.ResolvedAt = time.GetUtcNow();
            if (status != IncidentStatus.Resolved) incident.ResolvedAt = null;
            incident.Status = status;
        }
        if (c.IsPublic is { } isPublic) incident.IsPublic = isPublic;
        if (c.DetectedAt is { } detected) incident.DetectedAt = detected.ToUniversalTime();
        if (c.AwareAt is { } aware) incident.AwareAt = aware.ToUniversalTime();
        if (c.NextUpdateDue is { } due && due.ToUniversalTime() != incident.NextUpdateDue)
        {
            // A promise to the public that is already broken when made helps nobody; one that fell overdue since stays as it is.
            if (due <= time.GetUtcNow())
                errors["nextUpdateDue"] = [$"Next update due must be in the future: {FactValues.FormatTime(due, CultureInfo.GetCultureInfo(org.Value.Culture), org.Value.TimeZoneInfo)} has already passed. Say when the public will hear from you next."];
            else incident.NextUpdateDue = due.ToUniversalTime();
        }
        if (c.ClearDetectedAt) incident.DetectedAt = null;
        if (c.ClearAwareAt) incident.AwareAt = null;
        if (c.ClearNextUpdateDue) incident.NextUpdateDue = null;
        if (incident.DetectedAt is { } d && incident.AwareAt is { } a && a < d)
            errors["awareAt"] = ["The organisation cannot have become aware before the incident was detected."];
        if (creating && errors.Count == 0 && incident.Title.Length == 0) errors["title"] = ["Title is required."];
    }

    private async Task<string> UniqueSlugAsync(string baseSlug)
    {
        var taken = await db.Incidents.Where(i => i.Slug == baseSlug || i.Slug.StartsWith(baseSlug + "-")).Select(i => i.Slug).ToListAsync();
        if (!taken.Contains(baseSlug)) return baseSlug;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{baseSlug}-{n}")) return $"{baseSlug}-{n}";
    }

    private async Task EnsureSlugFreeAsync(string slug, Guid self)
    {
        if (await db.Incidents.AnyAsync(i => i.Slug == slug && i.Id != self))
            throw new AppValidationException("slug", $"The slug \"{slug}\" is already used by another incident.");
    }

    private async Task SaveUniqueAsync(string slug)
    {
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone else changed this incident at the same moment. Reload to see their changes.");
        }
        catch (DbUpdateException)
        {
            throw new AppValidationException("slug", $"The slug \"{slug}\" is already used by another incident.");
        }
    }

    /// <summary>Audit text naming who signed off a change to what the public reads.</summary>
    private static string SignedOff(StaffUser user, bool publicText) =>
        publicText ? $"; public text signed off by {user.Email} as {SignOff.First(user.IsIn)}" : "";

    /// <summary>Every field but the public text (title, summary, public or not), to tell whether anything else changed.</summary>
    private static string OtherFields(Incident i) =>
        $"slug={i.Slug}|severity={i.Severity}|status={i.Status}|detected={i.DetectedAt:O}|aware={i.AwareAt:O}|next={i.NextUpdateDue:O}";

    /// <summary>The audited fields by the names people use; times as ISO 8601 UTC, which the activity view shows in local time.</summary>
    private static (string Field, string Value)[] Describe(Incident i) =>
    [
        ("title", i.Title), ("slug", i.Slug), ("severity", i.Severity.ToString().ToLowerInvariant()), ("status", i.Status.ToString().ToLowerInvariant()),
        ("public", i.IsPublic ? "yes" : "no"), ("summary", i.Summary),
        ("detected", Utc(i.DetectedAt)), ("became aware", Utc(i.AwareAt)), ("next update due", Utc(i.NextUpdateDue)),
    ];

    private static string Utc(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) : "none";

    /// <summary>"Changed status: investigating → identified; next update due: none → 2026-12-03T10:00:00Z": only what changed, old and new.</summary>
    private static string Summarise((string Field, string Value)[] before, (string Field, string Value)[] after) =>
        "Changed " + string.Join("; ", after.Where((field, i) => field.Value != before[i].Value)
            .Select((field, _) => $"{field.Field}: {Shown(before.First(b => b.Field == field.Field).Value)} → {Shown(field.Value)}"));

    private static string Shown(string value) => value.Length == 0 ? "(empty)" : Shorten(value);

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex FactKey();
}
