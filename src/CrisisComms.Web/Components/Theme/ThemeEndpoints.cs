using CrisisComms.Web.Infrastructure.Api;
using Microsoft.Net.Http.Headers;

namespace CrisisComms.Web.Components.Theme;

public static class ThemeEndpoints
{
    /// <summary>GET /css/theme-light.css and /css/theme-dark.css: no sign-in needed (it is only the palette), cached for a year per version.</summary>
    public static IEndpointRouteBuilder MapThemeStylesheets(this IEndpointRouteBuilder app)
    {
        foreach (var dark in new[] { false, true })
        {
            app.MapMethods(dark ? StaffThemeStylesheet.DarkPath : StaffThemeStylesheet.LightPath, ["GET", "HEAD"],
                    (HttpContext http, StaffThemeStylesheet sheet) => ServeAsync(http, sheet, dark))
                .AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    private static async Task<IResult> ServeAsync(HttpContext http, StaffThemeStylesheet sheet, bool dark)
    {
        var theme = await sheet.GetAsync(dark);
        var etag = new EntityTagHeaderValue($"\"{theme.Version}\"");
        var versioned = http.Request.Query["v"] == theme.Version;
        http.Response.Headers.CacheControl = versioned ? "public, max-age=31536000, immutable" : "public, max-age=300";
        http.Response.Headers.ETag = etag.ToString();
        if (EntityTags.Matches(http.Request.Headers.IfNoneMatch, etag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(theme.Css, "text/css; charset=utf-8");
    }
}
