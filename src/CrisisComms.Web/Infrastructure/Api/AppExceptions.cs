namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>Bad input. Each key names the field, each message says what is wrong with it.</summary>
public sealed class AppValidationException(IDictionary<string, string[]> errors)
    : Exception("Validation failed: " + string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>400, or 413 when a text is over its size budget.</summary>
    public int Status { get; init; } = StatusCodes.Status400BadRequest;

    public AppValidationException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }
}

/// <summary>The caller may not do this (403), or is not signed in any more (401).</summary>
public sealed class AccessDeniedException(string message, bool unauthenticated = false) : Exception(message)
{
    public bool Unauthenticated { get; } = unauthenticated;
}

/// <summary>The thing asked for does not exist.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The request clashes with the current state, named in the message; details travel as problem extensions.</summary>
public sealed class ConflictException(string message, IReadOnlyDictionary<string, object?>? details = null) : Exception(message)
{
    public IReadOnlyDictionary<string, object?> Details { get; } = details ?? new Dictionary<string, object?>();
}

/// <summary>Too many requests of this kind (429), or the server is busy with others (503); try again after <see cref="RetryAfter"/>.</summary>
public sealed class TooManyRequestsException(string message, TimeSpan retryAfter, int status = StatusCodes.Status429TooManyRequests) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
    public int Status { get; } = status;
}
