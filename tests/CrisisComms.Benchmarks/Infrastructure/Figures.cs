using System.Globalization;

namespace CrisisComms.Benchmarks;

/// <summary>
/// One figure the product promises, next to the baseline measured in the same run on the same machine.
/// <see cref="Ratio"/> is always <see cref="Value"/> ÷ <see cref="BaselineValue"/> (so below 1 is better for a
/// latency or a memory figure, above 1 is better for a throughput). <see cref="Runs"/> is the value's min / median /
/// max over the repeated runs (rounds, repeats, iterations) it was taken from; <see cref="RatioRuns"/> the same for the
/// ratio, run by run, where the two sides were measured in pairs. A null <see cref="Value"/> means the figure was not
/// produced, which makes the <c>all</c> command fail.
/// </summary>
public sealed record Figure(
    string Benchmark,
    string Name,
    string Unit,
    double? Value,
    string? Baseline = null,
    double? BaselineValue = null,
    Spread? Runs = null,
    Spread? RatioRuns = null,
    string? Target = null,
    bool? Met = null,
    string? Note = null)
{
    /// <summary>Value ÷ baseline; none when the baseline is not positive (a zero count, or memory noise in a quick run).</summary>
    public double? Ratio => Value is { } v && BaselineValue is { } b && b > 0 ? v / b : null;

    /// <summary>The Markdown table header that <see cref="TableRow"/> rows go under.</summary>
    public const string TableHeader = """
        | benchmark | figure | value | min / median / max | baseline | baseline value | ratio | ratio min–max | target | |
        |---|---|--:|--:|---|--:|--:|--:|---|---|
        """;

    /// <summary>This figure as a Markdown table row (min / median / max only where there was more than one run).</summary>
    public string TableRow()
    {
        var runs = Runs is { Count: > 1 } r ? $"{Format(r.Min, Unit)} / {Format(r.Median, Unit)} / {Format(r.Max, Unit)}" : "";
        var ratioRuns = RatioRuns is { Count: > 1 } rr ? $"{FormatRatio(rr.Min)}–{FormatRatio(rr.Max)}" : "";
        var met = Met switch { true => "met", false => "**missed**", null => "" };
        return $"| {Benchmark} | {Name}{(Note is null ? "" : $" ({Note})")} | {Format(Value, Unit)} | {runs} | {Baseline ?? "—"} | {(Baseline is null ? "" : Format(BaselineValue, Unit))} | {FormatRatio(Ratio)} | {ratioRuns} | {Target ?? ""} | {met} |";
    }

    /// <summary>A value in its unit for a table: thousands separated, fewer decimals as it grows.</summary>
    public static string Format(double? value, string unit)
    {
        if (value is not { } v) return "—";
        var number = unit switch
        {
            "count" => v.ToString("N0", CultureInfo.InvariantCulture),
            _ when Math.Abs(v) >= 1000 => v.ToString("N0", CultureInfo.InvariantCulture),
            _ when Math.Abs(v) >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
            _ when Math.Abs(v) >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
            _ => v.ToString("0.00", CultureInfo.InvariantCulture),
        };
        return unit == "count" ? number : $"{number} {unit}";
    }

    /// <summary>A ratio for a table: "2.59×", "0.0012×".</summary>
    public static string FormatRatio(double? ratio) => ratio switch
    {
        null => "—",
        { } r when r >= 100 => r.ToString("N0", CultureInfo.InvariantCulture) + "×",
        { } r when r >= 0.01 => r.ToString("0.00", CultureInfo.InvariantCulture) + "×",
        { } r => r.ToString("0.0000", CultureInfo.InvariantCulture) + "×",
    };
}

/// <summary>
/// What a benchmark hands back: its process exit code (0 = ran and nothing was wrong; 2 = ran, with measurement
/// problems or a correctness finding, listed in <see cref="Problems"/>), its figures, and where its own report is.
/// </summary>
public sealed record BenchmarkResult(int ExitCode, IReadOnlyList<Figure> Figures, string? ReportPath, IReadOnlyList<string> Problems)
{
    public static BenchmarkResult Of(IReadOnlyList<Figure> figures, string reportPath, IReadOnlyList<string> problems, int? exitCode = null) =>
        new(exitCode ?? (problems.Count > 0 ? 2 : BenchmarkRunner.ExitOk), figures, reportPath, problems);
}
