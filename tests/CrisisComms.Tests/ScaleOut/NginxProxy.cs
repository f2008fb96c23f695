using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// nginx running the README's reverse-proxy example (the ```nginx block after the "nginx-example" marker in README §
/// Deployment) in front of two app instances: only the two upstream addresses and the listen port are changed, so a
/// test through it proves the example a reader copies works. Runs in a temporary folder; disposing stops it and deletes
/// the folder, and it is stopped even if the test host is killed.
/// </summary>
public sealed partial class NginxProxy : IDisposable
{
    public const string InstallHint = "install Debian's nginx: apt-get install nginx";

    private readonly Process _process;
    private readonly ProcessLog _log;
    private readonly string _folder;

    private NginxProxy(Process process, ProcessLog log, string folder, int port) =>
        (_process, _log, _folder, BaseAddress) = (process, log, folder, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));

    public Uri BaseAddress { get; }

    public string Tail(int lines = 40) => _log.Tail(lines) + "\n" + ErrorLog();

    /// <summary>The README's example, as written there.</summary>
    public static string ReadmeExample()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var match = ExampleBlock().Match(readme);
        if (!match.Success) throw new InvalidOperationException("README.md has no ```nginx block after the <!-- nginx-example --> marker (README § Deployment).");
        return match.Groups[1].Value;
    }

    /// <summary>Starts nginx with the README's example, its two upstreams pointed at <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static NginxProxy Start(Uri first, Uri second)
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx was not found (looked in /usr/sbin, /usr/bin, /usr/local/sbin): " + InstallHint);
        var example = ReadmeExample();
        var upstreams = UpstreamServer().Matches(example);
        if (upstreams.Count != 2 || !ListenLine().IsMatch(example))
            throw new InvalidOperationException($"The README's nginx example should have two `server host:port;` upstream lines and one `listen <port>;` line; it has {upstreams.Count} upstream(s).");
        var port = Infrastructure.LocalProcesses.FreePort();
        var replaced = new Queue<Uri>([first, second]);
        var config = UpstreamServer().Replace(example, m => $"server 127.0.0.1:{replaced.Dequeue().Port.ToString(CultureInfo.InvariantCulture)};");
        config = ListenLine().Replace(config, $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};", 1);

        var folder = Path.Combine(Path.GetTempPath(), "crisiscomms-nginx", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        // Worker processes (another user when started as root) write proxy buffers here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var main = $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
            {{config}}
            }
            """;
        var configPath = Path.Combine(folder, "nginx.conf");
        File.WriteAllText(configPath, main);

        var start = new ProcessStartInfo(nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        foreach (var a in new[] { "-p", folder, "-c", configPath }) start.ArgumentList.Add(a);
        var log = new ProcessLog($"nginx :{port}", keptLines: 200);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start nginx: " + InstallHint);
        log.Attach(process);
        OrphanReaper.KillWhenHostExits(process.Id, folder);
        var proxy = new NginxProxy(process, log, folder, port);
        try
        {
            proxy.WaitUntilListening();
            return proxy;
        }
        catch
        {
            proxy.Dispose();
            throw;
        }
    }

    private void WaitUntilListening()
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        do
        {
            if (_process.HasExited) throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}.\n{Tail()}");
            try
            {
                using var socket = new TcpClient();
                socket.Connect("127.0.0.1", BaseAddress.Port);
                return;
            }
            catch (SocketException) { }
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(15) && tick.WaitForNextTickAsync().AsTask().GetAwaiter().GetResult());
        throw new InvalidOperationException($"nginx did not listen on {BaseAddress} within 15 s.\n{Tail()}");
    }

    private string ErrorLog()
    {
        try { return File.ReadAllText(Path.Combine(_folder, "error.log")); }
        catch (IOException) { return ""; }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"<!-- nginx-example[^>]*-->\s*```nginx\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [GeneratedRegex(@"server\s+[\w.\-]+:\d+\s*;")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen\s+\d+\s*;")]
    private static partial Regex ListenLine();
}
