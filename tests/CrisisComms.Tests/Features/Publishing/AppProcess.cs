using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrisisComms.Tests.Features.Publishing;

/// <summary>One run of the app's process: when it was started, became ready and was killed (or exited).</summary>
public sealed class AppRun
{
    public required int Number { get; init; }
    public required int Port { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? ReadyAt { get; set; }
    /// <summary>Just before SIGKILL was sent: the process was certainly alive until then.</summary>
    public DateTimeOffset? KillRequestedAt { get; set; }
    /// <summary>When the process was seen gone (after a kill, or on its own).</summary>
    public DateTimeOffset? ExitedAt { get; set; }

    public override string ToString() =>
        $"run #{Number} (port {Port}): started {StartedAt:HH:mm:ss.fff}, ready {ReadyAt:HH:mm:ss.fff}, killed {KillRequestedAt:HH:mm:ss.fff}, gone {ExitedAt:HH:mm:ss.fff}";
}

/// <summary>
/// The built app (CrisisComms.Web.dll beside the tests) as a separate process on a data folder that
/// outlives it: start, wait for /readyz, kill -9, start again. Its console output is drained all the
/// time (a full pipe would stall the app) and the last lines are kept for failure messages.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private const int KeptLogLines = 400;

    private readonly TimeProvider _clock;
    private readonly Queue<string> _log = new();
    private readonly Lock _logLock = new();
    private readonly List<AppRun> _runs = [];
    private readonly List<string> _problems = [];
    private Process? _process;

    public AppProcess(TimeProvider clock, IDictionary<string, string>? settings = null)
    {
        _clock = clock;
        DataDirectory = Path.Combine(Path.GetTempPath(), "crisiscomms-process-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(DataDirectory);
        Settings = new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Seed:DemoData"] = "true",
            ["Auth:LoginRateLimit:PermitLimit"] = "10000",
            // One line per entry, with the time: the tail of the log is read by people when a test fails.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) Settings[k] = v;
    }

    public string DataDirectory { get; }

    public Dictionary<string, string> Settings { get; }

    public IReadOnlyList<AppRun> Runs => _runs;

    /// <summary>Every error, critical and warning line the app logged, in every run (warnings include "published late").</summary>
    public IReadOnlyList<string> LoggedProblems { get { lock (_logLock) return [.. _problems]; } }

    public AppRun? Current => _process is null ? null : _runs[^1];

    /// <summary>Where the running app listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts the app on a fresh port with the same data folder. Does not wait for it to be ready.</summary>
    public AppRun Start()
    {
        if (_process is not null) throw new InvalidOperationException("The app is already running; kill it first.");
        var appDll = Path.Combine(AppContext.BaseDirectory, "CrisisComms.Web.dll");
        if (!File.Exists(appDll)) throw new FileNotFoundException("The web app's build output is not beside the tests.", appDll);

        var port = Infrastructure.LocalProcesses.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(Infrastructure.LocalProcesses.DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory, // content root: appsettings*.json and content/templates are copied here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(appDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Development");
        foreach (var (key, value) in Settings) start.ArgumentList.Add($"--{key}={value}");
        // Whatever the test runner's environment says about URLs or environments must not win over the arguments.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment.Remove("ASPNETCORE_HTTPS_PORTS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        var run = new AppRun { Number = _runs.Count + 1, Port = port, StartedAt = _clock.GetUtcNow() };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var prefix = $"[#{run.Number}] ";
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log(prefix + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(prefix + "stderr: " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("Could not start " + appDll);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _runs.Add(run);
        Note($"started run #{run.Number} (pid {process.Id}) on port {port}");
        return run;
    }

    /// <summary>
    /// Polls GET /readyz until 200. Stops early (returning false) at <paramref name="giveUpAt"/>, so a
    /// caller can kill the app in the middle of its start-up; throws if the process dies or the
    /// overall timeout passes.
    /// </summary>
    public async Task<bool> WaitUntilReadyAsync(HttpClient http, TimeSpan timeout, DateTimeOffset? giveUpAt = null, CancellationToken ct = default)
    {
        var run = Current ?? throw new InvalidOperationException("The app is not running.");
        var deadline = run.StartedAt + timeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25), _clock);
        do
        {
            var now = _clock.GetUtcNow();
            if (giveUpAt is { } g && now >= g) return false;
            if (_process!.HasExited)
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready.\n{Tail()}");
            if (now > deadline)
                throw new TimeoutException($"The app was not ready {timeout.TotalSeconds:0} s after it was started.\n{Tail()}");
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var attemptTimeout = TimeSpan.FromSeconds(1);
                if (giveUpAt is { } g2 && g2 - now < attemptTimeout) attemptTimeout = g2 - now; // never overshoot the moment to give up
                attempt.CancelAfter(attemptTimeout);
                using var response = await http.GetAsync(new Uri(BaseAddress, "/readyz"), attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    run.ReadyAt = _clock.GetUtcNow();
                    Note($"run #{run.Number} ready {(run.ReadyAt.Value - run.StartedAt).TotalMilliseconds:0} ms after start");
                    return true;
                }
            }
            catch (HttpRequestException) { }                                           // not listening yet
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }  // slow answer while starting
        }
        while (await timer.WaitForNextTickAsync(ct));
        return false;
    }

    /// <summary>SIGKILL (no graceful shutdown, nothing flushed), and wait until the process is gone.</summary>
    public async Task<AppRun> KillAsync(CancellationToken ct = default)
    {
        var process = _process ?? throw new InvalidOperationException("The app is not running.");
        var run = _runs[^1];
        run.KillRequestedAt = _clock.GetUtcNow();
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already gone
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(bounded.Token);
        run.ExitedAt = _clock.GetUtcNow();
        Note($"killed run #{run.Number}");
        process.Dispose();
        _process = null;
        return run;
    }

    /// <summary>A marker in the log, so the app's lines read next to what the test did.</summary>
    public void Note(string text) => Log($"==== test {_clock.GetUtcNow():HH:mm:ss.fff}: {text}");

    public string Tail(int lines = 120)
    {
        lock (_logLock)
            return "---- last app log lines ----\n" + string.Join('\n', _log.Skip(Math.Max(0, _log.Count - lines))) + "\n----";
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(15));
            }
            catch (InvalidOperationException) { }
            process.Dispose();
            _process = null;
        }
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void Log(string line)
    {
        lock (_logLock)
        {
            _log.Enqueue(line);
            if (line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal)
                || line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains("stderr: ", StringComparison.Ordinal))
                _problems.Add(line);
            while (_log.Count > KeptLogLines) _log.Dequeue();
        }
    }
}
