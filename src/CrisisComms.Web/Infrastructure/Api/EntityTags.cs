using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>Conditional GETs: whether a request's If-None-Match names the current entity tag (or is "*").</summary>
public static class EntityTags
{
    public static bool Matches(StringValues ifNoneMatch, EntityTagHeaderValue etag) =>
        EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
}
