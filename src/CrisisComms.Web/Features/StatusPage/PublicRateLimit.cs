using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// Caps one client address on the public routes (StatusPage:RateLimit), with its own 429 answer.
/// A sliding window per address: a crowd of readers is many addresses, each far under the cap.
/// </summary>
public sealed class PublicRateLimit(IOptions<StatusPageOptions> options) : IRateLimiterPolicy<string>
{
    public const string Policy = "public";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limit = options.Value.RateLimit;
        return RateLimitPartition.GetSlidingWindowLimiter(
            httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new SlidingWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, SegmentsPerWindow = 6, QueueLimit = 0 });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
    {
        var response = context.HttpContext.Response;
        var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync($"Too many requests from your address. Wait {seconds} seconds and try again; the status page also updates itself.", ct);
    };
}
