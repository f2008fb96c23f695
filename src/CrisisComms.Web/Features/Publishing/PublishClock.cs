using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Publishing;

/// <summary>
/// The triggers. Each schedule gets a Hangfire delayed job (durable fallback, visible in the
/// dashboard) and an in-process timer armed for the next due statement (on time to the
/// millisecond, instead of Hangfire's polling). The same loop sweeps for overdue statements every
/// Publishing:SweepInterval and at start-up, so work missed while the process was down goes out
/// as soon as it is back. Every trigger calls the same idempotent publish.
/// With several instances each one's timer also hears the schedules the others make (on the change feed), so a
/// statement goes out on time even if the instance that scheduled it is gone; the database lets one of them win.
/// </summary>
public sealed class PublishClock(
    IServiceScopeFactory scopes,
    IBackgroundJobClient jobs,
    JobStorage storage,
    IChangeFeed feed,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    PublishingHealth health,
    ILogger<PublishClock> logger) : BackgroundService, IPublishTriggers
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>The set of scheduled statements another instance changed: recompute the next due time here too.</summary>
    private Task OnChangeAsync(ChangeEvent change)
    {
        if (change.FromOtherInstance && change.Action is "statement.scheduled" or "statement.rescheduled" or "statement.unscheduled" or "statement.published")
            Changed();
        return Task.CompletedTask;
    }

    public void Arm(Guid statementId, Guid revisionId, DateTimeOffset at)
    {
        try
        {
            jobs.Schedule<PublishJob>(j => j.RunAsync(statementId, revisionId), at);
        }
        catch (Exception e)
        {
            // The timer and the sweep still publish it; Hangfire is the fallback, not the truth.
            logger.LogWarning(e, "Could not queue the Hangfire job for statement {StatementId}", statementId);
        }
        Changed();
    }

    public void Changed() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var otherInstances = feed.Subscribe(OnChangeAsync);
        await StartUpAsync(stoppingToken);
        var opts = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wakeAt = now + opts.SweepInterval;
            if (opts.PreciseTimer)
            {
                var next = await WithServiceAsync(s => s.NextDueAsync());
                if (next is { } due && due < wakeAt) wakeAt = due;
            }
            var delay = wakeAt - now;
            if (delay > TimeSpan.Zero)
            {
                using var timeout = new CancellationTokenSource(delay, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
                // Without the precise timer only the sweep's own interval wakes this loop (Hangfire polling does the rest).
                try { await (opts.PreciseTimer ? _wake.WaitAsync(linked.Token) : Task.Delay(Timeout.Infinite, linked.Token)); }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
                catch (OperationCanceledException) { return; }
                while (_wake.CurrentCount > 0) _wake.Wait(0); // several signals mean one re-check
            }
            await PublishOverdueAsync(opts.PreciseTimer ? PublishTrigger.Timer : PublishTrigger.Sweep, stoppingToken);
        }
    }

    /// <summary>Publish what fell due while the process was down, and re-arm Hangfire for the rest (in-memory jobs do not survive a restart;
    /// jobs in PostgreSQL do, and re-arming them on every start of every instance would only pile up duplicates).</summary>
    private async Task StartUpAsync(CancellationToken ct)
    {
        var late = await PublishOverdueAsync(PublishTrigger.Sweep, ct);
        foreach (var p in late)
            logger.LogWarning("Statement {StatementId} was due at {Due:O} while the app was down; published {Late} late", p.StatementId, p.ScheduledFor, TimeSpan.FromMilliseconds(p.LatenessMs));
        if (storage is not Hangfire.InMemory.InMemoryStorage) return;
        var pending = await WithServiceAsync(async _ =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            return await db.Statements.AsNoTracking().Where(s => s.State == StatementState.Scheduled)
                .Select(s => new { s.Id, s.CurrentRevisionId, s.ScheduledFor }).ToListAsync(ct);
        });
        foreach (var s in pending ?? [])
        {
            try { jobs.Schedule<PublishJob>(j => j.RunAsync(s.Id, s.CurrentRevisionId!.Value), s.ScheduledFor!.Value); }
            catch (Exception e) { logger.LogWarning(e, "Could not re-arm the Hangfire job for statement {StatementId}", s.Id); }
        }
    }

    private async Task<IReadOnlyList<Publication>> PublishOverdueAsync(PublishTrigger trigger, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return [];
        return await WithServiceAsync(s => s.PublishOverdueAsync(trigger)) ?? [];
    }

    /// <summary>Runs against a fresh scope; a failure (database locked, disk full) is logged and retried on the next tick, seconds later.</summary>
    private async Task<T?> WithServiceAsync<T>(Func<PublishingService, Task<T>> action)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await action(scope.ServiceProvider.GetRequiredService<PublishingService>());
            health.Succeeded(Guid.Empty);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Publishing check failed; retrying in {Interval}", options.Value.SweepInterval);
            health.Failed(Guid.Empty, "scheduled statements", e.Message, time.GetUtcNow());
            return default;
        }
    }
}

/// <summary>The Hangfire job: publish one statement revision if it is (still) due.</summary>
public sealed class PublishJob(PublishingService publishing, PublishingHealth health, TimeProvider time, ILogger<PublishJob> logger)
{
    public async Task RunAsync(Guid statementId, Guid revisionId)
    {
        try
        {
            await publishing.PublishIfDueAsync(statementId, revisionId, PublishTrigger.Hangfire);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Publishing statement {StatementId} failed; Hangfire will retry", statementId);
            health.Failed(statementId, "a scheduled statement", e.Message, time.GetUtcNow());
            await publishing.RecordFailureAsync(statementId, e.Message);
            throw;
        }
    }
}
