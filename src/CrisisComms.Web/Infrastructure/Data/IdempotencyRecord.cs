namespace CrisisComms.Web.Infrastructure.Data;

/// <summary>
/// A request a user made with an <c>Idempotency-Key</c> header: what it asked for (a hash of the request) and what it
/// created, so a retry or a double click with the same key gets the same answer instead of a second resource.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int KeyMaxLength = 200;

    /// <summary>How long a key is remembered; a key reused after that starts a new request.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public string UserId { get; set; } = "";
    public string Key { get; set; } = "";
    /// <summary>What the key was used for, e.g. "statements.create".</summary>
    public string Operation { get; set; } = "";
    /// <summary>SHA-256 (hex) over the operation and its input: the same key with a different request is refused.</summary>
    public string RequestHash { get; set; } = "";
    /// <summary>The id of what the first request created.</summary>
    public Guid ResourceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
