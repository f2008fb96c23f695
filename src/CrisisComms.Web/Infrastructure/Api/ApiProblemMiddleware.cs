using Microsoft.AspNetCore.Mvc;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>
/// On /api routes, turns exceptions into RFC 9457 problem details naming what is wrong:
/// the app's own exceptions keep their status (400/401/403/404/409), malformed bodies are 400,
/// anything else is a 500 without internals.
/// </summary>
internal sealed class ApiProblemMiddleware(RequestDelegate next, IProblemDetailsService problems, ILogger<ApiProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var problem = ToProblem(exception);
            if (problem.Status >= 500) logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
            context.Response.Clear();
            context.Response.StatusCode = problem.Status!.Value;
            if (exception is TooManyRequestsException busy)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }
    }

    private static ProblemDetails WithExtensions(ProblemDetails problem, IReadOnlyDictionary<string, object?> extensions)
    {
        foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return problem;
    }

    internal static ProblemDetails ToProblem(Exception exception) => exception switch
    {
        AppValidationException v => new HttpValidationProblemDetails(v.Errors)
        {
            Status = v.Status,
            Title = v.Status == StatusCodes.Status413PayloadTooLarge ? "A field is larger than its limit." : "The request has invalid fields.",
            Detail = string.Join(" ", v.Errors.SelectMany(e => e.Value)),
        },
        AccessDeniedException a => new ProblemDetails
        {
            Status = a.Unauthenticated ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
            Title = a.Unauthenticated ? "Not signed in." : "Not allowed.",
            Detail = a.Message,
        },
        TooManyRequestsException t => new ProblemDetails
        {
            Status = t.Status,
            Title = t.Status == StatusCodes.Status429TooManyRequests ? "Too many requests." : "The server is busy.",
            Detail = t.Message,
        },
        NotFoundException n => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = n.Message },
        ConflictException c => WithExtensions(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict.", Detail = c.Message }, c.Details),
        BadHttpRequestException b => new ProblemDetails
        {
            Status = b.StatusCode,
            Title = b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "Malformed request.",
            Detail = b.InnerException is System.Text.Json.JsonException j
                ? $"The request body is not valid JSON: {j.Message}"
                : b.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than the limit (setting ApiLimits:MaxRequestBodyBytes). Nothing was changed."
                    : b.Message,
        },
        _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Something went wrong on the server.", Detail = "Nothing was changed by this request unless its response said so. Try again; if it keeps failing, tell an administrator." },
    };
}
