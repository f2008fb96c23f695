using System.Runtime.InteropServices;

namespace CrisisComms.Benchmarks;

/// <summary>Where a benchmark ran, for the report.</summary>
public sealed record MachineInfo(int Cores, string Os, string DotNet, string Architecture, string? Cpu)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        CpuModel());

    public override string ToString() =>
        $"{Cores} cores{(Cpu is null ? "" : $" ({Cpu})")}, {Os}, {DotNet} ({Architecture})";

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
}
