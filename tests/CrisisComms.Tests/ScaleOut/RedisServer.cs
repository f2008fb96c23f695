using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// A throwaway redis-server for the tests: Debian's binary, kept as a child process (<c>--daemonize no</c>) on a free
/// loopback port, nothing persisted (<c>--save "" --appendonly no</c>), its working folder a new temp folder. One
/// server per test process (<see cref="Shared"/>), started on first use; it and its folder go when the test process
/// ends, however it ends (<see cref="OrphanReaper"/>), and a server left behind by a killed test process that escaped
/// that is removed by the next one. Tests that need a server of their own call <see cref="Start"/> and
/// <see cref="Stop"/> it.
/// </summary>
/// <remarks>
/// Unlike PostgreSQL, redis-server runs as root (it only warns), so it is not switched to another user: the folder and
/// the process stay the test host's, and the test host can always kill it.
/// </remarks>
public sealed class RedisServer
{
    public const string InstallHint = "install Debian's Redis server: apt-get install redis-server";

    /// <summary>Folder under the temp path holding one sub-folder per running test server.</summary>
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "crisiscomms-redis");

    private static readonly Lazy<RedisServer> Instance = new(() => Start(), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ProcessLog _log;

    private RedisServer(Process process, ProcessLog log, string folder, int port) => (_process, _log, Folder, Port) = (process, log, folder, port);

    /// <summary>The test process's server, started on first use. A failure to start fails every test that asks (never a skip).</summary>
    public static RedisServer Shared => Instance.Value;

    public string Folder { get; }
    public int Port { get; }
    public int ProcessId => _process.Id;

    /// <summary>What the app takes as <c>Redis:Configuration</c> (a StackExchange.Redis configuration string).</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool HasExited => _process.HasExited;

    /// <summary>The server's own log (its stdout), for failure messages.</summary>
    public string Tail(int lines = 40) => _log.Tail(lines);

    /// <summary>Starts a new server and waits until it answers PING. <paramref name="executable"/> overrides the search (for tests of this class).</summary>
    public static RedisServer Start(string? executable = null)
    {
        var redis = executable ?? FindExecutable(Environment.GetEnvironmentVariable("PATH"), ["/usr/bin", "/usr/local/bin", "/usr/sbin"]);
        Directory.CreateDirectory(Parent);
        RemoveAbandoned();

        // Another process may take the free port between choosing it and binding it: try a few, each in a folder of its
        // own (the clean-up watcher of a failed attempt deletes that attempt's folder).
        var failures = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var folder = Path.Combine(Parent, Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var port = Infrastructure.LocalProcesses.FreePort();
            var log = new ProcessLog($"redis-server :{port}", keptLines: 500);
            Process process;
            try
            {
                process = Launch(redis, folder, port, log);
            }
            catch
            {
                TryDelete(folder);
                throw;
            }
            var server = new RedisServer(process, log, folder, port);
            try
            {
                File.WriteAllText(Path.Combine(folder, "redis.pid"), process.Id.ToString(CultureInfo.InvariantCulture));
                OrphanReaper.KillWhenHostExits(process.Id, folder);
                server.WaitUntilAnswering();
                return server;
            }
            catch (InvalidOperationException e)
            {
                server.Stop();
                failures.Add(e.Message);
            }
        }
        throw new InvalidOperationException("The Redis test server did not start:\n" + string.Join("\n", failures));
    }

    private static Process Launch(string redis, string folder, int port, ProcessLog log)
    {
        var start = new ProcessStartInfo(redis)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        string[] args =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            // Nothing on disk: a test server's data is thrown away with it.
            "--save", "", "--appendonly", "no", "--dir", folder,
            // A child of the test host, logging to stdout (drained into the log), never forking away.
            "--daemonize", "no", "--logfile", "",
        ];
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "C";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"Could not start {redis}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {redis} ({e.Message}): {InstallHint}", e);
        }
        log.Attach(process);
        return process;
    }

    /// <summary>Polls PING until "+PONG"; throws with the server's log if it exits or does not answer in time.</summary>
    private void WaitUntilAnswering()
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        do
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} before it answered PING on port {Port}.\n{Tail()}");
            if (Ping(TimeSpan.FromSeconds(1))) return;
        }
        while (clock.Elapsed < StartTimeout && tick.WaitForNextTickAsync().AsTask().GetAwaiter().GetResult());
        throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within {StartTimeout.TotalSeconds:0} s.\n{Tail()}");
    }

    /// <summary>Sends the inline command PING over a plain TCP connection; true on "+PONG", false when nothing (or something else) answers.</summary>
    public bool Ping(TimeSpan timeout)
    {
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var client = new TcpClient { SendTimeout = (int)timeout.TotalMilliseconds, ReceiveTimeout = (int)timeout.TotalMilliseconds };
            client.ConnectAsync(IPAddress.Loopback, Port, cancel.Token).AsTask().GetAwaiter().GetResult();
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
                if (buffer.AsSpan(0, read).IndexOf("\r\n"u8) >= 0) break;
            }
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException) { return false; }
        catch (IOException) { return false; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Stops the server at once (its data is thrown away) and deletes its folder.</summary>
    public void Stop()
    {
        Kill();
        TryDelete(Folder);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException) { } // already gone
    }

    /// <summary>Servers whose test process is gone (killed, and its watcher with it) are killed and their folders deleted.</summary>
    private static void RemoveAbandoned()
    {
        foreach (var folder in Directory.EnumerateDirectories(Parent))
        {
            var ownerFile = Path.Combine(folder, "owner.pid");
            if (!File.Exists(ownerFile))
            {
                // Another test process may have just made the folder and not yet written its owner: leave young ones.
                if (Directory.GetCreationTimeUtc(folder) > TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1)) continue;
            }
            else if (int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var owner) && IsRunning(owner))
            {
                continue;
            }
            var pidFile = Path.Combine(folder, "redis.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture, out var pid) && OrphanReaper.IsOurs(pid, folder))
            {
                try
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill();
                    orphan.WaitForExit(TimeSpan.FromSeconds(10));
                }
                catch (ArgumentException) { }
                catch (InvalidOperationException) { }
            }
            TryDelete(folder);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>redis-server from PATH, else from the usual Debian folders.</summary>
    internal static string FindExecutable(string? pathVariable, IEnumerable<string> fallbackFolders)
    {
        var candidates = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(fallbackFolders);
        foreach (var dir in candidates)
        {
            var file = Path.Combine(dir, "redis-server");
            if (File.Exists(file)) return file;
        }
        throw new InvalidOperationException($"The scale-out tests need redis-server, which is neither on PATH nor in /usr/bin: {InstallHint}");
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
