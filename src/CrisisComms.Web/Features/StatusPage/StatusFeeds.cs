using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>RSS 2.0 and Atom 1.0 feeds: one item per published public statement, newest first.</summary>
public static class StatusFeeds
{
    /// <summary>The feed document: RSS 2.0 or Atom 1.0.</summary>
    public static string Render(PublicStatus status, string baseUrl, bool rss) => Write(Build(status, baseUrl), rss);

    private static SyndicationFeed Build(PublicStatus status, string baseUrl)
    {
        var feed = new SyndicationFeed($"{status.OrganisationName} status", $"Incident updates from {status.OrganisationName}", new Uri(baseUrl + "/"))
        {
            Id = baseUrl + "/history.atom",
            LastUpdatedTime = status.UpdatedAt,
            Language = "en",
            Items = status.AllUpdates.Take(100).Select(x =>
            {
                var link = new Uri($"{baseUrl}/incidents/{x.Incident.Slug}#update-{x.Update.Id:n}");
                var item = new SyndicationItem($"{x.Incident.Title}: {x.Update.Title}", SyndicationContent.CreateHtmlContent(x.Update.Html), link, link.ToString(), x.Update.PublishedAt)
                {
                    PublishDate = x.Update.PublishedAt,
                    Summary = new TextSyndicationContent(x.Update.Text.Length > 400 ? x.Update.Text[..397] + "..." : x.Update.Text),
                };
                item.Authors.Add(new SyndicationPerson { Name = status.OrganisationName });
                return item;
            }).ToList(),
        };
        feed.Authors.Add(new SyndicationPerson { Name = status.OrganisationName });
        return feed;
    }

    private static string Write(SyndicationFeed feed, bool rss)
    {
        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(new StringWriter(output), new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = true, Async = false }))
        {
            if (rss) new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: false).WriteTo(writer);
            else new Atom10FeedFormatter(feed).WriteTo(writer);
        }
        return output.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"");
    }
}
