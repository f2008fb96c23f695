using System.Globalization;

namespace CrisisComms.Benchmarks;

/// <summary>
/// How much of the machine other programs used while a benchmark ran (Linux /proc): all CPU time spent
/// minus that of this process and everything it started (the app, helper servers, wrk once reaped).
/// A load test shares the machine with whatever else runs on it; this says how much it had to share.
/// </summary>
public sealed record CpuSample(long TotalTicks, long BusyTicks, long OurTicks)
{
    /// <summary>Null where /proc is missing (not Linux).</summary>
    public static CpuSample? Take()
    {
        try
        {
            if (!File.Exists("/proc/stat")) return null;
            var cpu = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
            var total = cpu.Take(8).Sum();
            var busy = total - cpu[3] - cpu[4];
            return new CpuSample(total, busy, OurTreeTicks());
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        catch (FormatException) { return null; }
    }

    /// <summary>Percent of the whole machine (all cores) used by other programs between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static double? OthersPercent(CpuSample? start, CpuSample? end)
    {
        if (start is null || end is null) return null;
        var total = end.TotalTicks - start.TotalTicks;
        if (total <= 0) return null;
        var others = (end.BusyTicks - start.BusyTicks) - (end.OurTicks - start.OurTicks);
        return Math.Clamp(others * 100.0 / total, 0, 100);
    }

    /// <summary>Percent of the whole machine busy between the samples (everything, ours included).</summary>
    public static double? BusyPercent(CpuSample? start, CpuSample? end)
    {
        if (start is null || end is null) return null;
        var total = end.TotalTicks - start.TotalTicks;
        return total <= 0 ? null : Math.Clamp((end.BusyTicks - start.BusyTicks) * 100.0 / total, 0, 100);
    }

    /// <summary>utime+stime+cutime+cstime of this process and its live descendants (finished children are in cutime/cstime).</summary>
    private static long OurTreeTicks()
    {
        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so read after the last ')'.
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture); // n = field number in proc(5)
                stats[pid] = (parent, Field(14) + Field(15) + Field(16) + Field(17));
            }
            catch (IOException) { }                 // exited meanwhile
            catch (UnauthorizedAccessException) { }
            catch (FormatException) { }
            catch (IndexOutOfRangeException) { }
        }
        var self = Environment.ProcessId;
        var ours = new HashSet<int> { self };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, s) in stats)
                if (!ours.Contains(pid) && ours.Contains(s.Parent)) grew |= ours.Add(pid);
        } while (grew);
        return ours.Sum(p => stats.TryGetValue(p, out var s) ? s.Ticks : 0);
    }
}
