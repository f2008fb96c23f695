using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>The publish-lateness result as Markdown (stdout, .md) and JSON (.json, with every sample).</summary>
public sealed partial record LatenessReport(DateTimeOffset StartedAt, MachineInfo Machine, string AppDll, LatenessSettings Settings, IReadOnlyList<LatenessRun> Runs, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private LatenessRun? CrisisComms => Runs.FirstOrDefault(r => r.Key == "crisiscomms");
    private LatenessRun? Stock => Runs.FirstOrDefault(r => r.Key == "stock");

    /// <summary>stock ÷ CrisisComms for p50, p99 and max; null when either run is missing or the divisor is not positive.</summary>
    public LatenessRatio? Ratio => CrisisComms?.Lateness is { } c && Stock?.Lateness is { } s
        ? new LatenessRatio(Divide(s.P50, c.P50), Divide(s.P99, c.P99), Divide(s.Max, c.Max))
        : null;

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "publish-lateness",
        date = StartedAt,
        machine = Machine,
        app = AppDll,
        settings = Settings,
        target = new { early = 0, p99Ms = PublishLatenessBenchmark.TargetP99Ms, maxMs = PublishLatenessBenchmark.TargetMaxMs },
        percentiles = "nearest-rank",
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        ratioStockOverCrisisComms = Ratio,
        runs = Runs.Select(r => new { run = r, appProblemSummary = Summarize(r.AppProblems).Select(p => new { p.Count, p.Example }) }),
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Publish lateness — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"{Settings.Count} holding statements per run, each scheduled through the staff API {Settings.MinAheadSeconds:0.#}–{Settings.MaxAheadSeconds:0.#} s ahead (uniform, seed {Settings.Seed}; the same offsets in both runs), on the embedded SQLite default. Lateness = `publications[0].publishedAt − scheduledFor`, both server-side; percentiles nearest-rank.{(Settings.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| run | configuration | published | not published | early | p50 ms | p95 ms | p99 ms | max ms | published by | target |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|");
        foreach (var r in Runs)
        {
            var l = r.Lateness;
            var triggers = r.Triggers.Count == 0 ? "—" : string.Join(", ", r.Triggers.Select(t => $"{t.Key} {t.Value}"));
            md.AppendLine(Inv($"| {r.Name} | {r.Description} | {r.Published}/{r.Requested} | {r.NotPublished + (r.Requested - r.Scheduled)} | {(r.Early > 0 ? $"**{r.Early}**" : "0")} | {Ms(l?.P50)} | {Ms(l?.P95)} | {Ms(l?.P99)} | {Ms(l?.Max)} | {triggers} | {(r.MeetsTarget ? "met" : "**missed**")} |"));
        }
        if (Ratio is { } ratio)
            md.AppendLine(Inv($"| **ratio stock ÷ CrisisComms** | | | | | **{X(ratio.P50)}** | | **{X(ratio.P99)}** | **{X(ratio.Max)}** | | |"));
        md.AppendLine();
        md.AppendLine(Inv($"Target (issue 5): zero early, p99 ≤ {PublishLatenessBenchmark.TargetP99Ms:0} ms, max ≤ {PublishLatenessBenchmark.TargetMaxMs:0} ms, every statement published."));
        md.AppendLine();
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- App: `{AppDll}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s in all ({string.Join("; ", Runs.Select(r => Inv($"{r.Name}: prepare {r.PrepareSeconds:0.0} s, schedule {r.ScheduleSeconds:0.0} s, wait {r.WaitSeconds:0.0} s")))})"));
        foreach (var r in Runs)
        {
            if (r.Lateness is { } l)
                md.AppendLine(Inv($"- {r.Name}: min {l.Min:0.0} ms, mean {l.Mean:0.0} ms; app arguments `{string.Join(' ', r.AppArguments)}`"));
            if (r.Errors.Count > 0)
                md.AppendLine(Inv($"- {r.Name}: **{r.Errors.Count} API error(s)**: {string.Join("; ", r.Errors.Take(5).Select(Clip))}{(r.Errors.Count > 5 ? " …" : "")}"));
            if (r.AppProblems.Count > 0)
                md.AppendLine(Inv($"- {r.Name}: the app logged {r.AppProblems.Count} warning/error(s) (log `{r.AppLog}`): {string.Join("; ", Summarize(r.AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        }
        if (Stock is { } stock && stock.Triggers.ContainsKey("sweep"))
            md.AppendLine("- Note: in the stock run, \"sweep\" publications come from the app's PublishClock loop, which also wakes whenever a statement is scheduled or published (IPublishTriggers.Changed), even with the timer off and a 10-minute sweep. So once a Hangfire poll publishes one due statement, the loop publishes the other overdue ones in the same moment: the lateness still follows the 15 s poll, but the trigger label is not pure Hangfire.");
        return md.ToString();
    }

    /// <summary>Log problems grouped by their text with ids and numbers blanked out, most frequent first.</summary>
    public static IReadOnlyList<(int Count, string Example)> Summarize(IEnumerable<string> problems) =>
        problems.GroupBy(p => Numbers().Replace(Guids().Replace(p, "<id>"), "#"))
            .Select(g => (g.Count(), g.First()))
            .OrderByDescending(g => g.Item1)
            .ToList();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guids();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    private static double? Divide(double a, double b) => b > 0 ? a / b : null;

    private static string Ms(double? v) => v is null ? "—" : v.Value.ToString(Math.Abs(v.Value) < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string X(double? v) => v is null ? "n/a" : v.Value.ToString(v.Value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + "×";

    private static string Clip(string s) => (s.Length > 200 ? s[..200] + "…" : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

public sealed record LatenessRatio(double? P50, double? P99, double? Max);
