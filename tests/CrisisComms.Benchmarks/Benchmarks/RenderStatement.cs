using System.Globalization;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// The statement the render benchmark renders: a CEO's apology after a breach of an airline's third-party call-centre
/// platform (the kind of event the product is built for; the airline is fictional), about 5 KB of Markdown once its
/// Liquid placeholders are filled in from the incident's facts, with headings, lists, a loop over a list fact, a pipe
/// table and links — what a real statement in the app looks like.
/// </summary>
public static class RenderStatement
{
    public const string Title = "{{ org.name }}: an apology from our Chief Executive about the {{ incident.title | downcase }}";

    public const string Body = """
        # A message from {{ facts.ceo_name }}, Chief Executive of {{ org.name }}

        To every {{ org.name }} customer,

        On {{ incident.detected_at }} our security team detected unusual activity on a **third-party customer service
        platform** used by one of our contact centres. We shut off the attackers' access the same day, but by then they had
        taken service records belonging to about **{{ facts.affected_count }} customers**. I am deeply sorry. You trusted us
        with your details, and we did not keep them safe.

        ## What happened

        The platform is run for us by {{ facts.vendor_name }}. A criminal group gained access to it by impersonating a
        member of staff and persuading a contact-centre agent to reset their credentials. The platform holds the notes our
        agents make when you call us, together with the contact details you gave us. It is separate from our booking,
        payment and {{ facts.loyalty_programme }} systems, and **none of those systems was affected**.

        We have engaged the **{{ facts.police_agency }}**, and we are working with the {{ facts.regulator }} and the
        {{ facts.cyber_agency }}. The people responsible have since contacted us. Because this is now a criminal matter, we
        are validating what they have told us with the police and will not comment on that contact while the investigation
        continues.

        ## Timeline

        - **{{ incident.detected_at }}**: unusual activity detected on the contact-centre platform; access cut off.
        - **{{ incident.aware_at }}**: confirmed that customer records had been copied; the {{ facts.police_agency }}
          and the {{ facts.regulator }} were told.
        - **The following days**: the people responsible contacted us; we passed everything to the police.
        - **By {{ incident.next_update_due }}**: every affected customer will have been written to.

        ## What was taken

        The records include some or all of the following for each affected customer:

        {% for category in facts.data_categories %}
        - {{ category }}
        {% endfor %}

        In total that is {{ facts.data_categories.size }} kinds of information: {{ facts.data_categories }}.

        ## What was not taken

        | Information | Affected? | Why |
        |---|---|---|
        | Credit and debit card details | No | Payments are handled by a separate, certified system |
        | Passport and other identity documents | No | They are never stored on the contact-centre platform |
        | {{ facts.loyalty_programme }} passwords and PINs | No | They are held only in our own loyalty system |
        | {{ facts.loyalty_programme }} points balances | No | No points were moved or redeemed |
        | Booking and travel history | No | Bookings are held in a separate reservation system |

        ## What we are doing

        1. **Containing it.** The compromised access was removed on {{ incident.detected_at }}, every agent account on the
           platform has had its credentials reset, and multi-factor authentication is now required for every reset.
        2. **Telling you directly.** We are writing to every affected customer by email between now and
           {{ incident.next_update_due }}. The email will come from {{ facts.notice_sender }} and will never ask for a
           password, a PIN or a payment.
        3. **Protecting your account.** We have added extra checks to every {{ facts.loyalty_programme }} account that was
           in the records, so that changes to your contact details must be confirmed twice.
        4. **Supporting you.** Our dedicated support line, {{ facts.hotline }}, is open {{ facts.hotline_hours }}. You can
           also read our answers to common questions at <{{ facts.support_url }}>.
        5. **Learning from it.** We have asked {{ facts.forensics_firm }} to carry out an independent review of how this
           happened, and we will publish what it finds.

        ## What you can do

        - Be wary of emails, texts or calls that claim to be from {{ org.name }} and ask for personal or payment details.
          We will never ask for your password or PIN.
        - If someone contacts you claiming to have your information, do not engage: call {{ facts.hotline }} and report
          it to the {{ facts.police_agency }} at <{{ facts.police_url }}>.
        - Consider turning on two-step verification for your {{ facts.loyalty_programme }} account in the app.
        - If you think you have been the victim of identity theft, contact IDCARE on {{ facts.idcare_phone }} for free,
          confidential support.

        ## Our commitment to you

        Keeping your information safe is part of getting you where you are going. We have fallen short, and I will make sure
        we earn back your trust through what we do next, not just what we say. We will post our next update on this page by
        **{{ incident.next_update_due }}**, sooner if there is news, and every update will also be sent to customers who
        have asked to hear from us.

        Thank you for your patience while we put this right.

        {{ facts.ceo_name }}
        Chief Executive, {{ org.name }}

        *Media enquiries: {{ facts.media_email }}. Reference: {{ incident.slug }}.*
        """;

    /// <summary>The organisation's settings (as the app's defaults would be for this airline).</summary>
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-AU");

    public static TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    /// <summary>What the template may refer to, built the way the app builds it from an incident and its facts.</summary>
    public static LiquidModel Model()
    {
        var zone = Zone;
        string Time(DateTimeOffset t) => FactValues.FormatTime(t, Culture, zone);
        TemplateFact Fact(string key, FactType type, string value) => new(
            key, type, value, FactValues.Display(type, value, Culture, zone), type == FactType.List ? FactValues.Items(value) : []);

        var facts = new[]
        {
            Fact("ceo_name", FactType.Text, "Margaret Ellison"),
            Fact("affected_count", FactType.Number, "5700000"),
            Fact("vendor_name", FactType.Text, "Harbourline Contact Solutions"),
            Fact("loyalty_programme", FactType.Text, "Southern Cross Frequent Flyer"),
            Fact("police_agency", FactType.Text, "Australian Federal Police"),
            Fact("police_url", FactType.Url, "https://www.cyber.gov.au/report"),
            Fact("regulator", FactType.Text, "Office of the Australian Information Commissioner"),
            Fact("cyber_agency", FactType.Text, "Australian Cyber Security Centre"),
            Fact("data_categories", FactType.List, "names\nemail addresses\nphone numbers\ndates of birth\nfrequent flyer numbers and tier"),
            Fact("notice_sender", FactType.Email, "notices@southerncrossair.example"),
            Fact("hotline", FactType.Phone, "1800 555 014"),
            Fact("hotline_hours", FactType.Text, "from 6 am to 11 pm (Sydney time), seven days a week"),
            Fact("support_url", FactType.Url, "https://www.southerncrossair.example/support/data-incident"),
            Fact("forensics_firm", FactType.Text, "an independent forensic security firm"),
            Fact("idcare_phone", FactType.Phone, "1800 595 160"),
            Fact("media_email", FactType.Email, "media@southerncrossair.example"),
        };
        var detected = new DateTimeOffset(2026, 6, 30, 9, 12, 0, TimeSpan.FromHours(10));
        return new LiquidModel(
            new Dictionary<string, string?> { ["name"] = "Southern Cross Airways" },
            new Dictionary<string, string?>
            {
                ["title"] = "Customer data breach at a contact-centre platform",
                ["summary"] = "Customer service records were taken from a third-party contact-centre platform.",
                ["slug"] = "customer-data-breach",
                ["status"] = "Identified",
                ["severity"] = "Critical",
                ["detected_at"] = Time(detected),
                ["aware_at"] = Time(detected.AddHours(2)),
                ["next_update_due"] = Time(detected.AddDays(2)),
            },
            facts.ToDictionary(f => f.Key));
    }
}
