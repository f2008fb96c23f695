using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>Runs a command, appending what it printed to the log; true when it exited with 0.</summary>
internal delegate Task<bool> CommandRunner(string file, IReadOnlyList<string> args, StringBuilder log);

/// <summary>
/// The tests drive Debian's Chromium (Playwright cannot download its own browsers on these machines).
/// When it is missing, the first fixture installs it with apt-get if the tests run as root, and
/// fails with instructions otherwise; it never skips. Parallel fixtures share one attempt.
/// </summary>
internal static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public const string InstallHint = "install Debian's chromium package (`sudo apt-get install -y chromium`)";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Exception? _failure;

    /// <summary>Makes sure <see cref="ExecutablePath"/> exists, installing it as root if need be; throws when it cannot.</summary>
    public static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath)) return;
        await Gate.WaitAsync();
        try
        {
            // Another test class may have installed it (or failed to) while this one waited.
            if (_failure is not null) throw new InvalidOperationException(_failure.Message, _failure);
            try
            {
                await EnsureInstalledAsync(ExecutablePath, IsRoot(), RunAsync);
            }
            catch (InvalidOperationException e)
            {
                _failure = e;
                throw;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The decision, separate from the machine so it can be tested: present → done; root → apt-get; otherwise fail.</summary>
    internal static async Task EnsureInstalledAsync(string executable, bool isRoot, CommandRunner run)
    {
        if (File.Exists(executable)) return;
        if (!isRoot)
            throw new InvalidOperationException(
                $"{executable} was not found and the tests are not running as root, so they cannot install it: " +
                $"{InstallHint}, then run the tests again.");

        var log = new StringBuilder();
        var installed = await run("apt-get", ["update"], log)
                        && await run("apt-get", ["install", "-y", "chromium"], log);
        if (!installed || !File.Exists(executable))
            throw new InvalidOperationException($"{executable} was missing and installing it with apt-get failed; {InstallHint}.\n{log}");
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

    private static async Task<bool> RunAsync(string file, IReadOnlyList<string> args, StringBuilder log)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";

        log.AppendLine($"$ DEBIAN_FRONTEND=noninteractive {file} {string.Join(' ', args)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            log.AppendLine($"timed out after {CommandTimeout}");
            return false;
        }
        log.AppendLine(await stdout).AppendLine(await stderr).AppendLine($"exit code {process.ExitCode}");
        return process.ExitCode == 0;
    }
}
