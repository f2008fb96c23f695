using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// The only door from the database to the public routes. What passes: public incidents, and for
/// them only statements that were published, for a public-facing audience (public, customers,
/// media) — never drafts, approvals in progress, staff or regulator texts, or private incidents.
/// </summary>
public sealed class PublicStatusService(AppDbContext db, IOptions<OrganisationOptions> org, TimeProvider time)
{
    public static readonly Audience[] PublicAudiences = [Audience.Public, Audience.Customers, Audience.Media];

    /// <summary>Everything the public routes show, in one database query.</summary>
    public async Task<PublicStatus> LoadAsync(CancellationToken ct = default)
    {
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.IsPublic)
            .Select(i => new
            {
                Incident = i,
                Updates = (from p in db.Publications
                           join s in db.Statements on p.StatementId equals s.Id
                           where p.IncidentId == i.Id && PublicAudiences.Contains(s.Audience)
                           select new { p.Id, p.StatementId, s.Kind, p.Title, p.Html, p.PublishedAt, s.SupersedesStatementId }).ToList(),
            })
            .ToListAsync(ct);
        var list = rows.Select(r => new PublicIncident(
                r.Incident.Id, r.Incident.Slug, r.Incident.Title, r.Incident.Summary, r.Incident.Severity, r.Incident.Status,
                r.Incident.CreatedAt, r.Incident.UpdatedAt, r.Incident.ResolvedAt, r.Incident.NextUpdateDue,
                r.Updates.OrderByDescending(u => u.PublishedAt)
                    .Select(u => new PublicUpdate(u.Id, u.StatementId, u.Kind, u.Title, u.Html, TextOf(u.Html), u.PublishedAt, u.SupersedesStatementId)).ToList()))
            .OrderByDescending(i => i.LastChange).ToList();
        return new PublicStatus(org.Value.Name, org.Value.TimeZone, time.GetUtcNow(), list);
    }

    /// <summary>Plain text of sanitised statement HTML, for feeds' summaries and the JSON API's bodies.</summary>
    public static string TextOf(string html)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        var blocks = document.Body!.Children.Select(e => e.TextContent.Trim()).Where(t => t.Length > 0);
        return string.Join("\n\n", blocks);
    }
}
