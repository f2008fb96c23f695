using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>Limits on what API callers may send.</summary>
public sealed class ApiLimitsOptions : ISelfValidatingOptions
{
    public static string Section => "ApiLimits";

    /// <summary>Largest request body on /api routes, in bytes (default 1 MiB: a 100 KB statement body fits many times over).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
            yield return "ApiLimits:MaxRequestBodyBytes must be between 1024 and 1073741824 bytes.";
    }
}

/// <summary>
/// Refuses API bodies over <see cref="ApiLimitsOptions.MaxRequestBodyBytes"/> with a 413 problem: at once when the
/// Content-Length says so, and while reading (Kestrel's limit, lowered for the request) when it is chunked.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiLimitsOptions> options, IProblemDetailsService problems)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = _limit;
        if (context.Request.ContentLength is { } length && length > _limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"The request body is {length:N0} bytes; the limit is {_limit:N0} bytes (setting ApiLimits:MaxRequestBodyBytes). Nothing was changed.",
                },
            });
            return;
        }
        await next(context);
    }
}
