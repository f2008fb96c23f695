using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using CrisisComms.Web.Infrastructure.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// The only door from the database to the public routes. What passes: public incidents, and for
/// them only statements that were published, for a public-facing audience (public, customers,
/// media) — never drafts, approvals in progress, staff or regulator texts, or private incidents.
/// </summary>
public sealed class PublicStatusService(AppDbContext db, IOptions<OrganisationOptions> org, TimeProvider time, ILogger<PublicStatusService> logger)
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
        var list = new List<PublicIncident>(rows.Count);
        foreach (var r in rows)
        {
            // Stored text may predate the input rules (or come from an import): clean it here, once, for every output.
            // One row that still cannot be shown is left out and logged; the rest of the page, feeds and snapshot go on.
            try
            {
                list.Add(new PublicIncident(
                    r.Incident.Id, r.Incident.Slug, UserText.Clean(r.Incident.Title, multiLine: false), UserText.Clean(r.Incident.Summary, multiLine: true),
                    r.Incident.Severity, r.Incident.Status, r.Incident.CreatedAt, r.Incident.UpdatedAt, r.Incident.ResolvedAt, r.Incident.NextUpdateDue,
                    r.Updates.OrderByDescending(u => u.PublishedAt).Select(u =>
                    {
                        var html = UserText.Clean(u.Html, multiLine: true);
                        return new PublicUpdate(u.Id, u.StatementId, u.Kind, UserText.Clean(u.Title, multiLine: false), html, TextOf(html), u.PublishedAt, u.SupersedesStatementId);
                    }).ToList()));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Public incident {IncidentId} ({Slug}) was left out of the public status: its stored text could not be prepared", r.Incident.Id, r.Incident.Slug);
            }
        }
        list = list.OrderByDescending(i => i.LastChange).ToList();
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
