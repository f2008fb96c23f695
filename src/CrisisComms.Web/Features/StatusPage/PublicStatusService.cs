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

    public async Task<PublicStatus> LoadAsync(CancellationToken ct = default)
    {
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.IsPublic).ToListAsync(ct);
        var ids = incidents.Select(i => i.Id).ToList();
        var updates = await (from p in db.Publications.AsNoTracking()
                             join s in db.Statements.AsNoTracking() on p.StatementId equals s.Id
                             where ids.Contains(p.IncidentId) && PublicAudiences.Contains(s.Audience)
                             select new { p, s.Kind }).ToListAsync(ct);
        var byIncident = updates.ToLookup(x => x.p.IncidentId);
        var list = incidents.Select(i => new PublicIncident(
                i.Id, i.Slug, i.Title, i.Summary, i.Severity, i.Status, i.CreatedAt, i.UpdatedAt, i.ResolvedAt, i.NextUpdateDue,
                byIncident[i.Id].OrderByDescending(x => x.p.PublishedAt)
                    .Select(x => new PublicUpdate(x.p.Id, x.p.StatementId, x.Kind, x.p.Title, x.p.Html, TextOf(x.p.Html), x.p.PublishedAt)).ToList()))
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
