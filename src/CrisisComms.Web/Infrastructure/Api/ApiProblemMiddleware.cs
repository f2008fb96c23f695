using Microsoft.AspNetCore.Mvc;

namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>
/// On /api routes, turns exceptions into RFC 9457 problem details naming what is wrong:
/// the app's own exceptions keep their status (400/401/403/404/409), malformed bodies are 400 naming the
/// field or the fault (syntax, type, nesting, encoding), a body of the wrong media type is 415, anything
/// else is a 500 without internals.
/// </summary>
internal sealed class ApiProblemMiddleware(RequestDelegate next, IProblemDetailsService problems, ILogger<ApiProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            // Routing refuses a body of the wrong media type before any handler runs, with an empty 415: say what to send.
            if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && IsEmpty(context.Response))
                await WriteAsync(context, UnsupportedMediaType(context.Request.ContentType));
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var problem = ToProblem(exception);
            if (problem.Status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            if (exception is TooManyRequestsException busy)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(context, problem);
        }
    }

    private async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status!.Value;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static bool IsEmpty(HttpResponse response) =>
        !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType);

    internal static ProblemDetails UnsupportedMediaType(string? contentType) => new()
    {
        Status = StatusCodes.Status415UnsupportedMediaType,
        Title = "Unsupported media type.",
        Detail = string.IsNullOrEmpty(contentType)
            ? "Send the request body as JSON, with the header Content-Type: application/json."
            : $"Send the request body as JSON, with the header Content-Type: application/json (this request said \"{Shorten(contentType, 100)}\").",
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>A body System.Text.Json could not read: which field, or what is wrong with the whole, without the app's type names.</summary>
    private static ProblemDetails MalformedBody(BadHttpRequestException b, System.Text.Json.JsonException j)
    {
        var field = j.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        var where = j.LineNumber is { } line ? $" (line {line + 1}, byte {j.BytePositionInLine + 1})" : "";
        // "could not be converted to <type>" is a wrong JSON type; anything else is broken syntax or too deep a nesting.
        var wrongType = j.Message.Contains("could not be converted", StringComparison.Ordinal);
        if (wrongType && field is not null)
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"{field} has the wrong JSON type or an impossible value{where}."] })
            {
                Status = b.StatusCode,
                Title = "The request has invalid fields.",
                Detail = $"{field} has the wrong JSON type or an impossible value{where}.",
            };
        var detail = wrongType
            ? $"The request body must be a JSON object{where}."
            : j.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase)
                ? $"The request body nests deeper than the maximum depth of 64{where}."
                : $"The request body is not valid JSON: {Shorten(j.Message, 300)}";
        return new ProblemDetails { Status = b.StatusCode, Title = "Malformed request.", Detail = detail };
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
        BadHttpRequestException { InnerException: System.Text.Json.JsonException j } b => MalformedBody(b, j),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => UnsupportedMediaType(null),
        BadHttpRequestException b when b.Message.StartsWith("Required parameter", StringComparison.Ordinal) && b.Message.Contains("from body", StringComparison.Ordinal) => new ProblemDetails
        {
            Status = b.StatusCode,
            Title = "Malformed request.",
            Detail = "The request body is missing (or JSON null): send a JSON object.",
        },
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "The request body is too large.",
            Detail = "The request body is larger than the limit (setting ApiLimits:MaxRequestBodyBytes). Nothing was changed.",
        },
        BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Malformed request.", Detail = b.Message },
        _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Something went wrong on the server.", Detail = "Nothing was changed by this request unless its response said so. Try again; if it keeps failing, tell an administrator." },
    };
}
