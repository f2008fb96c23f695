using Microsoft.Net.Http.Headers;

namespace CrisisComms.Web.Components.Theme;

public static class ThemeEndpoints
{
    /// <summary>GET /css/theme-light.css and /css/theme-dark.css: public (the sign-in page is themed too), cached for a year per version.</summary>
    public static IEndpointRouteBuilder MapThemeStylesheets(this IEndpointRouteBuilder app)
    {
        app.MapMethods(StaffThemeStylesheet.LightPath, ["GET", "HEAD"], (HttpContext http, StaffThemeStylesheet sheet) => ServeAsync(http, sheet, dark: false))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapMethods(StaffThemeStylesheet.DarkPath, ["GET", "HEAD"], (HttpContext http, StaffThemeStylesheet sheet) => ServeAsync(http, sheet, dark: true))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ServeAsync(HttpContext http, StaffThemeStylesheet sheet, bool dark)
    {
        var theme = await sheet.GetAsync(dark);
        var etag = new EntityTagHeaderValue($"\"{theme.Version}\"");
        var versioned = http.Request.Query["v"] == theme.Version;
        http.Response.Headers.CacheControl = versioned ? "public, max-age=31536000, immutable" : "public, max-age=300";
        http.Response.Headers.ETag = etag.ToString();
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false))) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(theme.Css, "text/css; charset=utf-8");
    }
}
