namespace CrisisComms.Benchmarks;

/// <summary>
/// Tools the benchmarks need from Debian's packages (wrk, chromium): used when present, installed with apt-get when
/// missing and this process runs as root (CI does, on a fresh machine), otherwise named with the command to install them.
/// </summary>
public static class DebianPackage
{
    /// <summary>
    /// Returns what <paramref name="find"/> finds; when it finds nothing, installs <paramref name="package"/> (root only;
    /// apt-get update first if a plain install fails, as on a fresh machine) and looks again.
    /// </summary>
    public static async Task<string> EnsureInstalledAsync(string package, string what, Func<string?> find, CancellationToken ct)
    {
        if (find() is { } found) return found;
        if (!IsRoot())
            throw new UsageException($"{what} is not installed and this is not root, so it cannot be installed for you: run `sudo apt-get install -y {package}`, then run again.");
        Console.Error.WriteLine($"{what} is not installed; apt-get install -y {package}…");
        var (code, output) = await Wrk.RunToEndAsync("apt-get", ["install", "-y", package], ct);
        if (code != 0)
        {
            Console.Error.WriteLine("apt-get install failed; apt-get update, then once more…");
            await Wrk.RunToEndAsync("apt-get", ["update"], ct);
            (code, output) = await Wrk.RunToEndAsync("apt-get", ["install", "-y", package], ct);
        }
        return find() ?? throw new InvalidOperationException(
            $"Could not install the Debian package \"{package}\" (apt-get exit code {code}); install it by hand (`apt-get install -y {package}`). Last output:\n{(output.Length > 1500 ? "…" + output[^1500..] : output)}");
    }

    private static bool IsRoot() => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
}
