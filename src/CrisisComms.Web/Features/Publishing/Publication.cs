namespace CrisisComms.Web.Features.Publishing;

/// <summary>What set a publication off.</summary>
public enum PublishTrigger { Manual, Timer, Hangfire, Sweep }

/// <summary>
/// A statement revision that went out: exactly the approved title and HTML, with their hash, when,
/// and how late against the schedule. Unique per statement revision: published at most once.
/// </summary>
public sealed class Publication
{
    public Guid Id { get; set; }
    public Guid StatementId { get; set; }
    public Guid RevisionId { get; set; }
    public Guid IncidentId { get; set; }
    public string ContentHash { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>The final rendered HTML, byte for byte the approved revision's.</summary>
    public string Html { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public PublishTrigger Trigger { get; set; }
    /// <summary>PublishedAt − ScheduledFor in milliseconds (0 for publish-now).</summary>
    public long LatenessMs { get; set; }
    public string PublishedBy { get; set; } = "";
}

/// <summary>Raised once, after the publication is committed. The status page and live dashboard listen.</summary>
public sealed record StatementPublished(Guid StatementId, Guid RevisionId, Guid IncidentId, string Title, DateTimeOffset PublishedAt, PublishTrigger Trigger);

/// <summary>The "statement published" event, in process. Subscribers must not throw into the publisher.</summary>
public sealed class PublicationEvents(ILogger<PublicationEvents> logger) : Infrastructure.Events.InProcessEvent<StatementPublished>(logger);

/// <summary>Publishes that failed and are being retried, for the staff banner. Cleared when one succeeds.</summary>
public sealed class PublishingHealth
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (string Title, string Error, DateTimeOffset At)> _failures = new();

    public event Action? Changed;

    public IReadOnlyCollection<(Guid StatementId, string Title, string Error, DateTimeOffset At)> Failures =>
        _failures.Select(kv => (kv.Key, kv.Value.Title, kv.Value.Error, kv.Value.At)).ToList();

    public void Failed(Guid statementId, string title, string error, DateTimeOffset at)
    {
        _failures[statementId] = (title, error, at);
        Changed?.Invoke();
    }

    public void Succeeded(Guid statementId)
    {
        if (_failures.TryRemove(statementId, out _)) Changed?.Invoke();
    }
}
