namespace CrisisComms.Benchmarks;

/// <summary>Summary statistics over milliseconds. Percentiles are nearest-rank: p99 of 100 values is the 99th smallest.</summary>
public sealed record Distribution(int Count, double Min, double P50, double P95, double P99, double Max, double Mean)
{
    public static Distribution? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        return new Distribution(sorted.Length, sorted[0], Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>Min, median and max of a few values (per-round figures).</summary>
public sealed record Spread(int Count, double Min, double Median, double Max)
{
    public static Spread? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var mid = sorted.Length / 2;
        return new Spread(sorted.Length, sorted[0], sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, sorted[^1]);
    }
}
