using System.Diagnostics;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// Makes sure a server the tests started (redis-server, an app instance) does not outlive the test host, however the
/// host ends: a detached shell (its own session, so it survives the host's process tree being killed) waits until the
/// host or the server is gone, then SIGKILLs the server — only if that pid is still the server, recognised by its own
/// temp folder on its command line or as its working directory (redis-server rewrites its command line), so a reused pid is never hit — and deletes the folder. The same technique as
/// <see cref="Infrastructure.PostgresServer"/>'s clean-up.
/// </summary>
internal static class OrphanReaper
{
    /// <param name="pid">The server's process id.</param>
    /// <param name="folder">A folder unique to this server that is on its command line or is its working directory; deleted afterwards.</param>
    /// <param name="hostPid">The process whose end is awaited: the test host (tests of this class pass a stand-in).</param>
    public static void KillWhenHostExits(int pid, string folder, int? hostPid = null)
    {
        if (folder.Contains('\'', StringComparison.Ordinal)) throw new ArgumentException("The folder must not contain a quote.", nameof(folder));
        var script = "exec </dev/null >/dev/null 2>&1; " +
            $"while kill -0 {hostPid ?? Environment.ProcessId} && kill -0 {pid}; do sleep 0.2; done; " +
            $"if {{ tr '\\0' ' ' < /proc/{pid}/cmdline; readlink /proc/{pid}/cwd; }} 2>/dev/null | grep -qF -- '{folder}'; then kill -9 {pid}; fi; " +
            $"rm -rf '{folder}'";
        RunDetached(script, "the clean-up watcher for " + folder);
    }

    /// <summary>
    /// Runs a shell <paramref name="script"/> detached from this process (its own session, its own pipes), so it keeps
    /// running after the test host is gone — killed, or its process tree killed.
    /// </summary>
    public static void RunDetached(string script, string what)
    {
        var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            UseShellExecute = false,
            // Pipes of its own, never the test host's output (whose reader would otherwise wait for it).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (setsid is not null) foreach (var a in new[] { "-f", "/bin/sh" }) start.ArgumentList.Add(a);
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + what);
    }

    /// <summary>True when <paramref name="pid"/> runs with <paramref name="folder"/> on its command line or as its working directory (so it is ours, not a reused pid).</summary>
    public static bool IsOurs(int pid, string folder)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var cwd = new FileInfo($"/proc/{pid}/cwd").LinkTarget ?? "";
            return cmdline.Contains(folder, StringComparison.Ordinal) || cwd.Contains(folder, StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
