using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrisisComms.Benchmarks;

/// <summary>
/// A helper server started by a benchmark (the static-file server, nginx): any program with its output
/// written to a log, ready once <c>GET /</c> answers 200. Disposing kills it (whole process tree);
/// <see cref="KillAll"/> does the same for every one still running, for Ctrl-C and process exit.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ServerProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _tail = new();
    private int _disposed;

    private ServerProcess(string name, Process process, Uri baseAddress, string logPath)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }
    public int ProcessId => _process.Id;

    /// <summary>The last lines the server wrote.</summary>
    public IReadOnlyList<string> Tail { get { lock (_logLock) return [.. _tail]; } }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> (and <paramref name="environment"/> added to
    /// its environment) and waits until <paramref name="baseAddress"/> answers 200.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        Uri baseAddress, string logPath, TimeSpan readyTimeout, CancellationToken ct)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        ServerProcess? server = null;
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"Could not start {fileName}.");
            server = new ServerProcess(name, process, baseAddress, logPath);
            Running[server] = 0;
            process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await server.WaitUntilReadyAsync(readyTimeout, ct);
            return server;
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            else process.Dispose();
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
                throw new AppStartException($"{Name} exited with code {_process.ExitCode} before it was ready.", Tail);
            try
            {
                using var response = await http.GetAsync("", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"/ answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = "/ timed out"; }
            await Pause.ForAsync(TimeSpan.FromMilliseconds(100), TimeProvider.System, ct);
        }
        throw new AppStartException($"{Name} was not ready within {timeout.TotalSeconds:0} s ({last}).", Tail);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (_disposed != 0) return;
            _log.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > 40) _tail.Dequeue();
        }
    }

    /// <summary>Kills the server (whole tree). Safe to call twice.</summary>
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
    }

    /// <summary>Synchronous stop of every helper still running: for Ctrl-C, SIGTERM and process exit.</summary>
    public static void KillAll()
    {
        foreach (var server in Running.Keys)
        {
            if (!Running.TryRemove(server, out _)) continue;
            server.KillQuietly();
            try { server._process.WaitForExit(5000); } catch (InvalidOperationException) { }
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
