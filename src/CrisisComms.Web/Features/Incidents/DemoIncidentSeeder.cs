using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Incidents;

/// <summary>
/// The worked example for Development: a fictional airline whose third-party call-centre platform
/// was breached. Only when Seed:DemoData is true, and only once.
/// </summary>
public sealed class DemoIncidentSeeder(AppDbContext db, AuditLog audit, TimeProvider time, IOptions<SeedOptions> seed)
{
    public const string Slug = "customer-data-breach";

    public static readonly IReadOnlyList<(string Key, string Label, FactType Type, string Value)> Facts =
    [
        ("affected_count", "Customers affected", FactType.Number, "6000000"),
        ("data_categories", "Data exposed", FactType.List, "names\nemail addresses\nphone numbers\ndates of birth\nfrequent flyer numbers"),
        ("data_not_exposed", "Data not exposed", FactType.List, "credit card details\nbank account details\npassport details\npasswords and PINs"),
        ("third_party_platform", "Third-party platform", FactType.Text, "a customer service platform used by one of our contact centres and run by a third-party provider"),
        ("police_agency", "Police agency engaged", FactType.Text, "the Australian Federal Police"),
        ("customer_hotline", "Customer hotline", FactType.Phone, "1800 160 401"),
        ("support_page", "Support page", FactType.Url, "https://www.southerncross.example/cyber-incident"),
        ("contact_email", "Privacy contact email", FactType.Email, "privacy@southerncross.example"),
        ("ceo_name", "CEO name", FactType.Text, "Morgan Lee"),
        ("ceo_title", "CEO title", FactType.Text, "Chief Executive Officer"),
        ("spokesperson", "Spokesperson", FactType.Text, "the Southern Cross Airways media team"),
        ("media_contact", "Media contact", FactType.Text, "media@southerncross.example, +61 2 5550 1234"),
        ("regulator", "Privacy regulator", FactType.Text, "the Office of the Australian Information Commissioner"),
        ("dpo_contact", "Data Protection Officer", FactType.Text, "our Data Protection Officer, dpo@southerncross.example"),
        ("likely_consequences", "Likely consequences", FactType.Text,
            "Criminals may use the exposed details to send convincing phishing emails, texts or calls, or to impersonate Southern Cross Airways. There is no evidence that the data has been used for fraud."),
        ("measures_taken", "Measures taken", FactType.List,
            "contained the affected system and blocked the unauthorised access\nengaged independent cyber security specialists\nnotified the Australian Federal Police and the Office of the Australian Information Commissioner\nadded monitoring and stronger access controls to our contact-centre systems"),
        ("recommended_steps", "What customers should do", FactType.List,
            "be alert to emails, calls or texts claiming to be from us\nremember we will never ask for your password, PIN or card details\ncontact us only through the numbers and addresses on our website\nturn on extra security for your frequent flyer account\nreport suspected scams to Scamwatch"),
    ];

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (!seed.Value.DemoData || await db.Incidents.AnyAsync(i => i.Slug == Slug, ct)) return;
        var now = time.GetUtcNow();
        var incident = new Incident
        {
            Id = Guid.NewGuid(),
            Slug = Slug,
            Title = "Cyber incident affecting customer data",
            Summary = "We are responding to a cyber incident at a third-party platform used by one of our contact centres. Customer names, contact details, dates of birth and frequent flyer numbers were accessed. Credit card, passport and password details were not. Flights are operating normally.",
            Severity = IncidentSeverity.Critical,
            Status = IncidentStatus.Identified,
            DetectedAt = now.AddDays(-2),
            AwareAt = now.AddDays(-2).AddHours(3),
            IsPublic = true,
            NextUpdateDue = now.AddHours(4),
            CreatedAt = now,
            CreatedById = "",
            UpdatedAt = now,
        };
        foreach (var (key, label, type, value) in Facts)
        {
            var fact = new Fact { Id = Guid.NewGuid(), IncidentId = incident.Id, Key = key, Label = label, Type = type, Value = value, UpdatedAt = now, UpdatedByName = "system", Version = 1 };
            incident.Facts.Add(fact);
            db.FactChanges.Add(new FactChange { IncidentId = incident.Id, FactId = fact.Id, Key = key, Type = type, NewValue = value, NewLabel = label, At = now, ByName = "system" });
        }
        db.Incidents.Add(incident);
        audit.Record(AuditActor.System, "incident.created", "incident", incident.Id.ToString(), "Demo incident seeded");
        await db.SaveChangesAsync(ct);
    }
}
