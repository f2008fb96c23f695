using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Statements;

/// <summary>How much rendering of user text the server does at once, and how often one person may preview.</summary>
public sealed class RenderingOptions : ISelfValidatingOptions
{
    public static string Section => "Rendering";

    /// <summary>Renders (previews, saves, comments) running at once; 0 means one fewer than the cores, at least one, so a core stays free for the public page.</summary>
    public int MaxConcurrentRenders { get; set; }

    /// <summary>How long a render waits for its turn before the caller is told the server is busy (503).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Previews one person may ask for in a burst (editor keystrokes and API calls together).</summary>
    public int PreviewBurst { get; set; } = 10;

    /// <summary>Previews per second one person gets back after a burst.</summary>
    public int PreviewsPerSecond { get; set; } = 4;

    public int EffectiveConcurrency => MaxConcurrentRenders > 0 ? MaxConcurrentRenders : Math.Max(1, Environment.ProcessorCount - 1);

    public IEnumerable<string> Validate()
    {
        if (MaxConcurrentRenders is < 0 or > 256) yield return "Rendering:MaxConcurrentRenders must be between 0 (automatic) and 256.";
        if (QueueTimeout <= TimeSpan.Zero || QueueTimeout > TimeSpan.FromMinutes(5)) yield return "Rendering:QueueTimeout must be between 00:00:00.001 and 00:05:00.";
        if (PreviewBurst is < 1 or > 10_000) yield return "Rendering:PreviewBurst must be between 1 and 10000.";
        if (PreviewsPerSecond is < 1 or > 10_000) yield return "Rendering:PreviewsPerSecond must be between 1 and 10000.";
    }
}

/// <summary>
/// The render time budget's other half: renders of user text take turns (at most
/// <see cref="RenderingOptions.EffectiveConcurrency"/> at once), so a dozen worst-case previews cannot take every
/// core from the status page and health checks; and each person's previews are rate-limited.
/// </summary>
public sealed class RenderGate(IOptions<RenderingOptions> options) : IDisposable
{
    private readonly RenderingOptions _options = options.Value;
    private readonly SemaphoreSlim _turns = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _previews = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="render"/> when it is its turn; 503 (as <see cref="TooManyRequestsException"/>) if none comes in time.</summary>
    public async Task<T> RunAsync<T>(Func<T> render, CancellationToken cancellationToken = default)
    {
        if (!await _turns.WaitAsync(_options.QueueTimeout, cancellationToken))
            throw new TooManyRequestsException(
                $"The server is busy rendering other texts; nothing was lost. Try again in a few seconds.", TimeSpan.FromSeconds(5), StatusCodes.Status503ServiceUnavailable);
        try
        {
            // Off the caller's thread (a circuit's or a request's): the render is CPU work and the gate already bounds it.
            return await Task.Run(render, cancellationToken);
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>Takes one preview from <paramref name="userId"/>'s allowance; 429 when it is used up.</summary>
    public void TakePreview(string userId)
    {
        var bucket = _previews.GetOrAdd(userId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.PreviewBurst,
            TokensPerPeriod = _options.PreviewsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = bucket.AttemptAcquire();
        if (!lease.IsAcquired)
            throw new TooManyRequestsException(
                $"Too many previews: at most {_options.PreviewBurst} at once and {_options.PreviewsPerSecond} a second per person. The preview resumes in a moment.", TimeSpan.FromSeconds(1));
    }

    public void Dispose()
    {
        _turns.Dispose();
        foreach (var bucket in _previews.Values) bucket.Dispose();
    }
}
