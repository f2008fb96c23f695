namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>Bad input. Each key names the field, each message says what is wrong with it.</summary>
public sealed class AppValidationException(IDictionary<string, string[]> errors)
    : Exception("Validation failed: " + string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

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
