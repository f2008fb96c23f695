using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// The tests drive Debian's Chromium (Playwright cannot download its own browsers on these machines).
/// When it is missing the first fixture installs it with apt-get if the tests run as root, and
/// fails with instructions otherwise. Parallel fixtures share one installation attempt.
/// </summary>
internal static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public const string InstallHint = "install Debian's chromium package (`sudo apt-get install -y chromium`)";

    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(15);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _failure;
    private static bool _ready;

    /// <summary>Makes sure <see cref="ExecutablePath"/> exists; throws (never skips) when it cannot.</summary>
    public static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath)) return;
        await Gate.WaitAsync();
        try
        {
            if (_ready || File.Exists(ExecutablePath)) { _ready = true; return; }
            if (_failure is not null) throw new InvalidOperationException(_failure);

            if (!IsRoot())
            {
                _failure = $"{ExecutablePath} was not found and the tests are not running as root, so they cannot install it: " +
                           $"{InstallHint}, then run the tests again.";
                throw new InvalidOperationException(_failure);
            }

            var log = new System.Text.StringBuilder();
            var ok = await RunAsync("apt-get", ["update"], log)
                     && await RunAsync("apt-get", ["install", "-y", "chromium"], log);
            if (!ok || !File.Exists(ExecutablePath))
            {
                _failure = $"{ExecutablePath} was missing and installing it with apt-get failed; {InstallHint}.\n{log}";
                throw new InvalidOperationException(_failure);
            }
            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool IsRoot()
    {
        if (Environment.UserName == "root") return true;
        try
        {
            return OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    private static async Task<bool> RunAsync(string file, string[] args, System.Text.StringBuilder log)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";

        log.AppendLine($"$ {file} {string.Join(' ', args)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(AptTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            log.AppendLine($"timed out after {AptTimeout}");
            return false;
        }
        log.AppendLine(await stdout).AppendLine(await stderr);
        log.AppendLine($"exit code {process.ExitCode}");
        return process.ExitCode == 0;
    }
}
