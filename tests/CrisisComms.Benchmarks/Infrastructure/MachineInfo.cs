using System.Globalization;
using System.Runtime.InteropServices;

namespace CrisisComms.Benchmarks;

/// <summary>Where a benchmark ran, for the report.</summary>
public sealed record MachineInfo(int Cores, string Os, string DotNet, string Architecture, string? Cpu, long? MemoryBytes)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        CpuModel(),
        MemoryTotal());

    public override string ToString() =>
        $"{Cores} cores{(Cpu is null ? "" : $" ({Cpu})")}, {(MemoryBytes is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m / 1073741824.0:0.#} GiB, ") : "")}{Os}, {DotNet} ({Architecture})";

    private static string? CpuModel()
    {
        try
        {
            const string cpuinfo = "/proc/cpuinfo";
            if (!File.Exists(cpuinfo)) return null;
            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The machine's memory: MemTotal from /proc/meminfo, else what the GC sees as available.</summary>
    private static long? MemoryTotal()
    {
        try
        {
            const string meminfo = "/proc/meminfo";
            if (File.Exists(meminfo))
            {
                var line = File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                var kb = line?["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim();
                if (long.TryParse(kb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return total > 0 ? total : null;
    }
}

/// <summary>The commit measured, and whether the working tree had changes on top of it (then the figures are not that commit's).</summary>
public sealed record GitInfo(string? Commit, bool? Dirty, string? Problem)
{
    public override string ToString() => Commit is null
        ? $"unknown ({Problem})"
        : Commit[..Math.Min(12, Commit.Length)] + (Dirty == true ? " + uncommitted changes" : "");

    /// <summary>Read-only: <c>git rev-parse HEAD</c> and <c>git --no-optional-locks status --porcelain</c> (which never writes the index).</summary>
    public static async Task<GitInfo> ReadAsync(string repoRoot, CancellationToken ct)
    {
        try
        {
            var (code, head) = await Wrk.RunToEndAsync("git", ["-C", repoRoot, "rev-parse", "HEAD"], ct);
            if (code != 0) return new GitInfo(null, null, $"git rev-parse HEAD: exit code {code}");
            var (statusCode, status) = await Wrk.RunToEndAsync("git", ["-C", repoRoot, "--no-optional-locks", "status", "--porcelain"], ct);
            return new GitInfo(head.Trim(), statusCode == 0 ? status.Trim().Length > 0 : null, statusCode == 0 ? null : $"git status: exit code {statusCode}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new GitInfo(null, null, "git is not installed: " + e.Message);
        }
    }
}
