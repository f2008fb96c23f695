using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrisisComms.Benchmarks;

/// <summary>
/// The app as a separate process: <c>dotnet CrisisComms.Web.dll</c> on a free loopback port with a fresh data
/// folder, ready once <c>/readyz</c> answers 200. Disposing kills it (whole process tree) and deletes the folder;
/// <see cref="KillAll"/> does the same for every app still running, for Ctrl-C and process exit.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<AppProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _tail = new();
    private readonly List<string> _problems = [];
    private string? _pendingLevel;
    private int _disposed;

    private AppProcess(Process process, Uri baseAddress, string dataDirectory, string logPath, IReadOnlyList<string> arguments)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        LogPath = logPath;
        Arguments = arguments;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public Uri BaseAddress { get; }
    public string DataDirectory { get; }
    public string LogPath { get; }
    public IReadOnlyList<string> Arguments { get; }
    public int ProcessId => _process.Id;

    /// <summary>The app's warn/fail/crit log entries so far (level and message).</summary>
    public IReadOnlyList<string> Problems { get { lock (_logLock) return [.. _problems]; } }

    /// <summary>The last lines the app wrote.</summary>
    public IReadOnlyList<string> Tail { get { lock (_logLock) return [.. _tail]; } }

    /// <summary>
    /// Starts <paramref name="dll"/> with <c>--urls</c>, <c>--Storage:DataDirectory</c>, <c>--environment</c> and
    /// <paramref name="settings"/> (each <c>Key=Value</c>, passed as <c>--Key=Value</c>), and waits for /readyz.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string dll, string environment, IEnumerable<string> settings, string logPath, TimeSpan readyTimeout, CancellationToken ct)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var dataDirectory = Directory.CreateTempSubdirectory("crisiscomms-bench-").FullName;
        var arguments = new List<string>
        {
            $"--urls={baseAddress.ToString().TrimEnd('/')}",
            $"--Storage:DataDirectory={dataDirectory}",
            $"--environment={environment}",
        };
        arguments.AddRange(settings.Select(s => "--" + s));

        var info = new ProcessStartInfo("dotnet")
        {
            // Run from its build output, as a deployment would; templates are copied beside the dll.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // The command line decides; nothing inherited from the shell should.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        AppProcess? app = null;
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"Could not start dotnet {dll}.");
            app = new AppProcess(process, baseAddress, dataDirectory, logPath, arguments);
            Running[app] = 0;
            process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await app.WaitUntilReadyAsync(readyTimeout, ct);
            return app;
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            else
            {
                process.Dispose();
                TryDeleteDirectory(dataDirectory);
            }
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        string last = "no answer yet";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new AppStartException($"The app exited with code {_process.ExitCode} before it was ready.", Tail);
            try
            {
                using var response = await http.GetAsync("readyz", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"/readyz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = "/readyz timed out"; }
            await Pause.ForAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, ct);
        }
        throw new AppStartException($"The app was not ready within {timeout.TotalSeconds:0} s ({last}).", Tail);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (_disposed != 0) return;
            _log.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > 60) _tail.Dequeue();
            // The console logger writes "warn: Category[id]" then the message indented on the next line.
            if (_pendingLevel is not null)
            {
                _problems.Add($"{_pendingLevel} {line.Trim()}");
                _pendingLevel = null;
            }
            var level = line.Length >= 5 ? line[..5] : "";
            if (level is "warn:" or "fail:" or "crit:") _pendingLevel = level.TrimEnd(':');
        }
    }

    /// <summary>Kills the app (SIGKILL, whole tree) and deletes its data folder. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Running.TryRemove(this, out _);
        KillQuietly();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { }
        lock (_logLock) _log.Dispose();
        _process.Dispose();
        TryDeleteDirectory(DataDirectory);
    }

    /// <summary>Synchronous stop of every app still running: for Ctrl-C, SIGTERM and process exit.</summary>
    public static void KillAll()
    {
        foreach (var app in Running.Keys)
        {
            if (!Running.TryRemove(app, out _)) continue;
            app.KillQuietly();
            try { app._process.WaitForExit(5000); } catch (InvalidOperationException) { }
            TryDeleteDirectory(app.DataDirectory);
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }          // already gone
        catch (System.ComponentModel.Win32Exception) { } // exiting as we asked
    }

    private static void TryDeleteDirectory(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) { Pause.For(TimeSpan.FromMilliseconds(200)); }
            catch (UnauthorizedAccessException) { Pause.For(TimeSpan.FromMilliseconds(200)); }
        }
        Console.Error.WriteLine($"Could not delete {path}; remove it by hand.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The app did not come up; carries its last output lines.</summary>
public sealed class AppStartException(string message, IReadOnlyList<string> tail)
    : Exception(message + (tail.Count == 0 ? "" : "\nLast app output:\n  " + string.Join("\n  ", tail)));
