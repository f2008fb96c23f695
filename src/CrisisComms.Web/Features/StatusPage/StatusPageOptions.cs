using CrisisComms.Web.Infrastructure.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>The public status page: its address, how long it may be cached, and how hard one client may hit it.</summary>
public sealed class StatusPageOptions : ISelfValidatingOptions
{
    public static string Section => "StatusPage";

    /// <summary>
    /// The public address, e.g. "https://status.example.com". Used for links in feeds, the JSON API and
    /// link previews. Empty: taken from each request (fine for one host; set it behind a CDN or proxy).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long this server keeps a rendered public response before rendering it again (publishing evicts it at once).</summary>
    public TimeSpan ServerCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Cache-Control max-age for browsers and a CDN in front.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Cache-Control stale-while-revalidate: a CDN may serve the old copy this long while it fetches a new one.</summary>
    public TimeSpan StaleWhileRevalidate { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Cache-Control stale-if-error: a CDN may keep serving the old copy this long while this server fails.</summary>
    public TimeSpan StaleIfError { get; set; } = TimeSpan.FromDays(1);

    public PublicRateLimitOptions RateLimit { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(PublicUrl)
            && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
            yield return $"StatusPage:PublicUrl \"{PublicUrl}\" must be an absolute http(s) address without query or fragment, e.g. \"https://status.example.com\".";
        if (ServerCacheDuration < TimeSpan.FromSeconds(1) || ServerCacheDuration > TimeSpan.FromHours(1))
            yield return "StatusPage:ServerCacheDuration must be between 00:00:01 and 01:00:00.";
        if (MaxAge < TimeSpan.Zero || MaxAge > TimeSpan.FromHours(1))
            yield return "StatusPage:MaxAge must be between 00:00:00 and 01:00:00.";
        if (StaleWhileRevalidate < TimeSpan.Zero || StaleWhileRevalidate > TimeSpan.FromDays(1))
            yield return "StatusPage:StaleWhileRevalidate must be between 00:00:00 and 1.00:00:00.";
        if (StaleIfError < TimeSpan.Zero || StaleIfError > TimeSpan.FromDays(30))
            yield return "StatusPage:StaleIfError must be between 00:00:00 and 30.00:00:00.";
        if (RateLimit.PermitLimit < 1)
            yield return "StatusPage:RateLimit:PermitLimit must be at least 1.";
        if (RateLimit.Window < TimeSpan.FromSeconds(1) || RateLimit.Window > TimeSpan.FromHours(1))
            yield return "StatusPage:RateLimit:Window must be between 00:00:01 and 01:00:00.";
    }

    /// <summary>The Cache-Control value for a live public response.</summary>
    public string CacheControl =>
        $"public, max-age={(int)MaxAge.TotalSeconds}, stale-while-revalidate={(int)StaleWhileRevalidate.TotalSeconds}, stale-if-error={(int)StaleIfError.TotalSeconds}";
}

/// <summary>
/// Requests to the public routes allowed per client address per window. A sliding window: a real
/// reader loads a page and its feed a few times a minute; a script hammering the origin is capped.
/// Behind a proxy or CDN, name it in ForwardedHeaders:KnownProxies (or KnownNetworks) so the
/// client address is the reader's, not the proxy's.
/// </summary>
public sealed class PublicRateLimitOptions
{
    public int PermitLimit { get; set; } = 600;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
