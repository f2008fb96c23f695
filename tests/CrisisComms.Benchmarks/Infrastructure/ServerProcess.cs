using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrisisComms.Benchmarks;

/// <summary>
/// Any server a benchmark starts as its own process (the app, the static-file server, the bare hub, nginx, the
/// Counter template): its output goes to a log, and it is ready once <c>GET &lt;readyPath&gt;</c> answers 200.
/// Disposing kills it (whole process tree) and deletes the folder it owns, if any; <see cref="KillAll"/> does the
/// same for every one still running, for Ctrl-C and process exit. <see cref="AppProcess"/> is the app on top of this.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ServerProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _tail = new();
    private readonly List<string> _problems = [];
    private readonly string? _ownedDirectory;
    private string? _pendingLevel;
    private int _disposed;

    private ServerProcess(string name, Process process, Uri baseAddress, string logPath, string? ownedDirectory)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        LogPath = logPath;
        _ownedDirectory = ownedDirectory;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }
    public int ProcessId => _process.Id;

    /// <summary>From right before the process was started to the first 200 on the ready path (cold-start measures this).</summary>
    public TimeSpan ReadyAfter { get; private set; }

    /// <summary>The last lines the server wrote.</summary>
    public IReadOnlyList<string> Tail { get { lock (_logLock) return [.. _tail]; } }

    /// <summary>Its warn/fail/crit log entries so far (level and message), in the .NET console logger's format.</summary>
    public IReadOnlyList<string> Problems { get { lock (_logLock) return [.. _problems]; } }

    /// <summary>How to start a server and how to tell it is ready.</summary>
    /// <param name="Name">For messages, e.g. "the static-file server".</param>
    /// <param name="FileName">The program, e.g. <c>dotnet</c>.</param>
    /// <param name="Arguments">Its arguments.</param>
    /// <param name="BaseAddress">Where it listens.</param>
    /// <param name="LogPath">Where its standard output and error go.</param>
    /// <param name="ReadyPath">Relative to <paramref name="BaseAddress"/>; ready once GET answers 200 (e.g. "readyz", or "" for /).</param>
    /// <param name="ReadyTimeout">How long it may take.</param>
    public sealed record StartInfo(string Name, string FileName, IReadOnlyList<string> Arguments, Uri BaseAddress, string LogPath, string ReadyPath, TimeSpan ReadyTimeout)
    {
        /// <summary>Added to its environment (after ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT and ASPNETCORE_URLS are removed).</summary>
        public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

        /// <summary>Its working directory (default: this process's).</summary>
        public string? WorkingDirectory { get; init; }

        /// <summary>A folder it uses (e.g. the app's data folder), deleted when it is stopped.</summary>
        public string? OwnedDirectory { get; init; }

        /// <summary>How often readiness is polled; cold-start polls often to time the first 200 closely.</summary>
        public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    }

    /// <summary>Starts the server and waits until it is ready; on any failure it is stopped and its folder deleted.</summary>
    public static async Task<ServerProcess> StartAsync(StartInfo start, CancellationToken ct)
    {
        var info = new ProcessStartInfo(start.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (start.WorkingDirectory is not null) info.WorkingDirectory = start.WorkingDirectory;
        foreach (var a in start.Arguments) info.ArgumentList.Add(a);
        // The command line decides; nothing inherited from the shell should.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in start.Environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        ServerProcess? server = null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            if (!process.Start()) throw new InvalidOperationException($"Could not start {start.FileName}.");
            server = new ServerProcess(start.Name, process, start.BaseAddress, start.LogPath, start.OwnedDirectory);
            Running[server] = 0;
            process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await server.WaitUntilReadyAsync(start, started, ct);
            return server;
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            else
            {
                process.Dispose();
                if (start.OwnedDirectory is not null) TryDeleteDirectory(start.OwnedDirectory);
            }
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(StartInfo start, long started, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var where = "/" + start.ReadyPath;
        string last = "no answer yet";
        while (Stopwatch.GetElapsedTime(started) < start.ReadyTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new AppStartException($"{Name} exited with code {_process.ExitCode} before it was ready.", Tail);
            try
            {
                using var response = await http.GetAsync(start.ReadyPath, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAfter = Stopwatch.GetElapsedTime(started);
                    return;
                }
                last = $"{where} answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = $"{where} timed out"; }
            await Pause.ForAsync(start.PollInterval, TimeProvider.System, ct);
        }
        throw new AppStartException($"{Name} was not ready within {start.ReadyTimeout.TotalSeconds:0} s ({last}).", Tail);
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

    /// <summary>Kills the server (SIGKILL, whole tree) and deletes the folder it owns. Safe to call twice.</summary>
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
        if (_ownedDirectory is not null) TryDeleteDirectory(_ownedDirectory);
    }

    /// <summary>Synchronous stop of every server still running: for Ctrl-C, SIGTERM and process exit.</summary>
    public static void KillAll()
    {
        foreach (var server in Running.Keys)
        {
            if (!Running.TryRemove(server, out _)) continue;
            server.KillQuietly();
            try { server._process.WaitForExit(5000); } catch (InvalidOperationException) { }
            if (server._ownedDirectory is not null) TryDeleteDirectory(server._ownedDirectory);
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

    /// <summary>Deletes a folder, retrying briefly while a just-killed process still holds files; says so when it cannot.</summary>
    public static void TryDeleteDirectory(string path)
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

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort() => CrisisComms.Tests.Infrastructure.LocalProcesses.FreePort();

    /// <summary>A loopback URL on a free port, e.g. http://127.0.0.1:41234/.</summary>
    public static Uri FreeLoopbackUrl() => new($"http://127.0.0.1:{FreePort()}/");
}

/// <summary>A server did not come up; carries its last output lines.</summary>
public sealed class AppStartException(string message, IReadOnlyList<string> tail)
    : Exception(message + (tail.Count == 0 ? "" : "\nLast output:\n  " + string.Join("\n  ", tail)));
