using System.Globalization;
using System.Text;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>
/// Wraps the Hangfire dashboard's endpoint so junk never reaches Hangfire, which answers it with a 500: a form body that
/// cannot be read (broken multipart, bad encoding) is a 400, and paging values (from, count) outside what a page can show
/// are a 400 instead of an overflow inside Hangfire's storage queries; a job id the storage cannot parse is a 404.
/// </summary>
internal static class DashboardInputGuard
{
    /// <summary>More than any dashboard page lists; Hangfire's own page sizes stop at 500.</summary>
    private const int MaxCount = 1000;
    private const int MaxFrom = 1_000_000;

    public static TBuilder WithInputGuard<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate;
            if (inner is null) return;
            endpoint.RequestDelegate = async context =>
            {
                if ((Problem(context.Request.Query) ?? await FormProblemAsync(context)) is { } problem)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync(problem, context.RequestAborted);
                    return;
                }
                try
                {
                    await inner(context);
                }
                catch (Exception e) when (!context.Response.HasStarted && e is FormatException or OverflowException or InvalidCastException or ArgumentException)
                {
                    // An address naming a job id the storage cannot even parse (Hangfire.PostgreSql reads ids as numbers): no such job.
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("There is no such job.", context.RequestAborted);
                }
            };
        });
        return builder;
    }

    private static string? Problem(IQueryCollection query)
    {
        foreach (var (name, max) in new[] { ("from", MaxFrom), ("count", MaxCount) })
        {
            if (!query.TryGetValue(name, out var values)) continue;
            if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > max)
                return $"The dashboard's {name} must be a whole number from 0 to {max}.";
        }
        return null;
    }

    /// <summary>Reads a posted form up front (Hangfire reads the cached copy); an unreadable one is the client's fault.</summary>
    private static async Task<string?> FormProblemAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType) return null;
        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return form.Any(f => f.Value.Any(v => v is { Length: > 1000 })) ? "A dashboard form value is longer than 1000 characters." : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or FormatException or DecoderFallbackException)
        {
            return "The posted form could not be read: " + e.Message;
        }
    }
}
