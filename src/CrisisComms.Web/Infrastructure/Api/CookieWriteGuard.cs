using CrisisComms.Web.Features.StatusPage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>
/// Cross-site request forgery guard for the staff API. A change (POST, PUT, PATCH, DELETE) authenticated by the sign-in
/// cookie rather than a bearer token must prove it comes from this site: an antiforgery token in the
/// <c>RequestVerificationToken</c> header, or a browser's own statement that it is same-origin (<c>Sec-Fetch-Site:
/// same-origin</c>, or an <c>Origin</c> equal to this host or to StatusPage:PublicUrl). Otherwise 403 naming the rule.
/// Bearer-token calls (scripts, tools) carry no ambient credential and are not affected; reads are not affected.
/// The staff pages themselves call services on the server, not this API, so they never meet this check.
/// </summary>
internal sealed class CookieWriteGuard(RequestDelegate next, IAntiforgery antiforgery, IOptions<StatusPageOptions> statusPage, IProblemDetailsService problems)
{
    public const string Rule =
        "A change made through the staff API with the sign-in cookie must come from this site: send the antiforgery token in the " +
        "RequestVerificationToken header, or make the request from a page on this site. Scripts and tools should use a bearer token.";

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsCookieWrite(context) && !IsSameOrigin(context.Request) && !await HasValidTokenAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Cross-site request refused.", Detail = Rule },
            });
            return;
        }
        await next(context);
    }

    private static bool IsCookieWrite(HttpContext context) =>
        !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity?.IsAuthenticated == true
        && !context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private bool IsSameOrigin(HttpRequest request)
    {
        // Fetch metadata: sent by every current browser and never settable by page script.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || !Uri.TryCreate(origin, UriKind.Absolute, out var from)) return false;
        if (string.Equals(from.GetLeftPart(UriPartial.Authority), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)) return true;
        return statusPage.Value.PublicUrl is { Length: > 0 } publicUrl && Uri.TryCreate(publicUrl, UriKind.Absolute, out var configured)
            && string.Equals(from.GetLeftPart(UriPartial.Authority), configured.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<bool> HasValidTokenAsync(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey("RequestVerificationToken")) return false;
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
