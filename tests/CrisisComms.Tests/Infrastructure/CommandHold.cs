using System.Data.Common;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// Holds one database command in mid-flight — the next one carrying a given parameter value (say, a user's id, which
/// every service call of theirs checks first) — until the test releases it, as a slow query on a busy server would.
/// Lets a test make something else happen while a user's action is still running, without guessing at timings.
/// </summary>
public sealed class CommandHold : DbCommandInterceptor
{
    private string? _armed;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the armed command has arrived and is being held.</summary>
    public Task Held => _held.Task;

    /// <summary>Holds the next command with a parameter equal to <paramref name="parameterValue"/>; only that one.</summary>
    public void Arm(string parameterValue)
    {
        _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _armed, parameterValue);
    }

    public void Release()
    {
        Volatile.Write(ref _armed, null);
        _release.TrySetResult();
    }

    private async Task HoldIfArmedAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var armed = Volatile.Read(ref _armed);
        if (armed is null || !command.Parameters.Cast<DbParameter>().Any(p => p.Value is string v && v == armed)) return;
        if (Interlocked.CompareExchange(ref _armed, null, armed) != armed) return; // someone else's command took it
        _held.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await HoldIfArmedAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await HoldIfArmedAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await HoldIfArmedAsync(command, cancellationToken);
        return result;
    }
}

/// <summary>An <see cref="AppFactory"/> whose database commands pass through a <see cref="CommandHold"/>.</summary>
public sealed class CommandHoldAppFactory : AppFactory
{
    public CommandHold Hold { get; } = new();

    public CommandHoldAppFactory() : base(new Dictionary<string, string?>(), postgres: null)
    {
        TestServices = services =>
        {
            services.ConfigureDbContext<AppDbContext>((_, options) => options.AddInterceptors(Hold));
            services.ConfigureDbContext<PostgresAppDbContext>((_, options) => options.AddInterceptors(Hold));
        };
    }
}
