namespace CrisisComms.Benchmarks;

/// <summary>
/// The app as a separate process: <c>dotnet CrisisComms.Web.dll</c> on a free loopback port with a fresh data
/// folder, run from the dll's own folder (templates and appsettings.json are beside it, as in a deployment).
/// Starting, logging, stopping and clean-up are <see cref="ServerProcess"/>'s; this adds the app's command line and
/// its data folder, which is deleted when the app is stopped.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly ServerProcess _server;

    private AppProcess(ServerProcess server, string dataDirectory, IReadOnlyList<string> arguments) =>
        (_server, DataDirectory, Arguments) = (server, dataDirectory, arguments);

    public Uri BaseAddress => _server.BaseAddress;
    public string DataDirectory { get; }
    public IReadOnlyList<string> Arguments { get; }
    public int ProcessId => _server.ProcessId;
    public string LogPath => _server.LogPath;

    /// <summary>From process start to the first 200 on the ready path.</summary>
    public TimeSpan ReadyAfter => _server.ReadyAfter;

    /// <summary>The app's warn/fail/crit log entries so far (level and message).</summary>
    public IReadOnlyList<string> Problems => _server.Problems;

    /// <summary>The last lines the app wrote.</summary>
    public IReadOnlyList<string> Tail => _server.Tail;

    /// <summary>The app's arguments with the temporary data folder blanked out, for reports.</summary>
    public IReadOnlyList<string> ReportedArguments =>
        [.. Arguments.Select(a => a.StartsWith("--Storage:DataDirectory=", StringComparison.Ordinal) ? "--Storage:DataDirectory=<temp>" : a)];

    /// <summary>
    /// Starts <paramref name="dll"/> with <c>--urls</c>, <c>--Storage:DataDirectory</c> (a new empty folder),
    /// <c>--environment</c> and <paramref name="settings"/> (each <c>Key=Value</c>, passed as <c>--Key=Value</c>), and
    /// waits until <c>GET /&lt;readyPath&gt;</c> answers 200 (default <c>/readyz</c>).
    /// </summary>
    public static async Task<AppProcess> StartAsync(
        string dll, string environment, IEnumerable<string> settings, string logPath, TimeSpan readyTimeout, CancellationToken ct,
        string readyPath = "readyz", TimeSpan? pollInterval = null)
    {
        var baseAddress = ServerProcess.FreeLoopbackUrl();
        var dataDirectory = Directory.CreateTempSubdirectory("crisiscomms-bench-").FullName;
        var arguments = new List<string>
        {
            $"--urls={baseAddress.ToString().TrimEnd('/')}",
            $"--Storage:DataDirectory={dataDirectory}",
            $"--environment={environment}",
        };
        arguments.AddRange(settings.Select(s => "--" + s));

        var server = await ServerProcess.StartAsync(
            new ServerProcess.StartInfo("The app", "dotnet", [dll, .. arguments], baseAddress, logPath, readyPath, readyTimeout)
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                OwnedDirectory = dataDirectory,
                PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(200),
            }, ct);
        return new AppProcess(server, dataDirectory, arguments);
    }

    /// <summary>Kills the app (whole tree) and deletes its data folder. Safe to call twice.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
