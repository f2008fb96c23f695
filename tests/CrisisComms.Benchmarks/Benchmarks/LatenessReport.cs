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

    private LatenessPooled? CrisisComms => Pooled("crisiscomms");
    private LatenessPooled? Stock => Pooled("stock");

    /// <summary>Every repeat of one configuration together: lateness pooled over all their statements, and per-repeat spreads.</summary>
    public LatenessPooled? Pooled(string key)
    {
        var runs = Runs.Where(r => r.Key == key).ToList();
        if (runs.Count == 0) return null;
        return new LatenessPooled(
            key, runs[0].Name, runs.Count, runs.Sum(r => r.Requested), runs.Sum(r => r.Published), runs.Sum(r => r.Early),
            Distribution.Of(runs.SelectMany(r => r.Samples).Where(s => s.LatenessMs is not null).Select(s => s.LatenessMs!.Value)),
            P50: Spread.Of(runs.Where(r => r.Lateness is not null).Select(r => r.Lateness!.P50)),
            P99: Spread.Of(runs.Where(r => r.Lateness is not null).Select(r => r.Lateness!.P99)),
            Max: Spread.Of(runs.Where(r => r.Lateness is not null).Select(r => r.Lateness!.Max)),
            EarlyPerRepeat: Spread.Of(runs.Select(r => (double)r.Early)));
    }

    /// <summary>stock ÷ CrisisComms for p50, p99 and max (pooled); null when either side is missing or the divisor is not positive.</summary>
    public LatenessRatio? Ratio => CrisisComms?.Lateness is { } c && Stock?.Lateness is { } s
        ? new LatenessRatio(Divide(s.P50, c.P50), Divide(s.P99, c.P99), Divide(s.Max, c.Max))
        : null;

    /// <summary>
    /// The figures for the <c>all</c> summary: CrisisComms against stock Hangfire polling, pooled over every repeat,
    /// with min / median / max over the repeats.
    /// </summary>
    public IReadOnlyList<Figure> Figures()
    {
        const string bench = "publish-lateness";
        var c = CrisisComms;
        var s = Stock;
        var baseline = s is null ? null : "stock Hangfire polling (15 s)";
        var pairs = Runs.Where(r => r.Key == "crisiscomms").Select(r => (r, Runs.FirstOrDefault(x => x.Key == "stock" && x.Repeat == r.Repeat))).ToList();
        Spread? RatioRuns(Func<Distribution, double> pick) =>
            Spread.Of(pairs.Where(p => p.r.Lateness is not null && p.Item2?.Lateness is not null && pick(p.Item2.Lateness!) != 0)
                .Select(p => pick(p.r.Lateness!) / pick(p.Item2!.Lateness!)));
        var published = c is null ? null : (double?)c.Published;
        return
        [
            new(bench, "lateness p50", "ms", c?.Lateness?.P50, baseline, s?.Lateness?.P50, c?.P50, RatioRuns(d => d.P50)),
            new(bench, "lateness p99", "ms", c?.Lateness?.P99, baseline, s?.Lateness?.P99, c?.P99, RatioRuns(d => d.P99),
                Inv($"≤ {PublishLatenessBenchmark.TargetP99Ms:0} ms"), c?.Lateness is { } l99 ? l99.P99 <= PublishLatenessBenchmark.TargetP99Ms : null),
            new(bench, "lateness max", "ms", c?.Lateness?.Max, baseline, s?.Lateness?.Max, c?.Max, RatioRuns(d => d.Max),
                Inv($"≤ {PublishLatenessBenchmark.TargetMaxMs:0} ms"), c?.Lateness is { } lmax ? lmax.Max <= PublishLatenessBenchmark.TargetMaxMs : null),
            new(bench, "published early", "count", c?.Early, baseline, s?.Early, c?.EarlyPerRepeat, null, "0", c is null ? null : c.Early == 0),
            new(bench, "published", "count", published, baseline, s?.Published, null, null, c is null ? null : Inv($"{c.Requested}"),
                c is null ? null : c.Published == c.Requested,
                Inv($"statements published of those scheduled, over {Settings.Repeats} repeat(s)")),
        ];
    }

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
        pooled = new[] { CrisisComms, Stock }.OfType<LatenessPooled>(),
        runs = Runs.Select(r => new { run = r, appProblemSummary = Summarize(r.AppProblems).Select(p => new { p.Count, p.Example }) }),
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Publish lateness — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"{Settings.Count} holding statements per run, {Settings.Repeats} repeat(s) of both runs (the order alternating), each scheduled through the staff API {Settings.MinAheadSeconds:0.#}–{Settings.MaxAheadSeconds:0.#} s ahead (uniform, seed {Settings.Seed}; the same offsets in both runs), on the embedded SQLite default. Lateness = `publications[0].publishedAt − scheduledFor`, both server-side; percentiles nearest-rank.{(Settings.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| run | repeat | configuration | published | not published | early | p50 ms | p95 ms | p99 ms | max ms | published by | target |");
        md.AppendLine("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|---|");
        foreach (var r in Runs.OrderBy(r => r.Key != "crisiscomms").ThenBy(r => r.Repeat))
        {
            var l = r.Lateness;
            var triggers = r.Triggers.Count == 0 ? "—" : string.Join(", ", r.Triggers.Select(t => $"{t.Key} {t.Value}"));
            md.AppendLine(Inv($"| {r.Name} | {r.Repeat} | {r.Description} | {r.Published}/{r.Requested} | {r.NotPublished + (r.Requested - r.Scheduled)} | {(r.Early > 0 ? $"**{r.Early}**" : "0")} | {Ms(l?.P50)} | {Ms(l?.P95)} | {Ms(l?.P99)} | {Ms(l?.Max)} | {triggers} | {(r.MeetsTarget ? "met" : "**missed**")} |"));
        }
        if (Settings.Repeats > 1)
        {
            foreach (var p in new[] { CrisisComms, Stock }.OfType<LatenessPooled>())
            {
                var l = p.Lateness;
                md.AppendLine(Inv($"| **{p.Name}, all repeats** | {p.Repeats} | pooled over every statement | {p.Published}/{p.Requested} | {p.Requested - p.Published} | {(p.Early > 0 ? $"**{p.Early}**" : "0")} | {Ms(l?.P50)} | {Ms(l?.P95)} | {Ms(l?.P99)} | {Ms(l?.Max)} | | |"));
            }
        }
        if (Ratio is { } ratio)
            md.AppendLine(Inv($"| **ratio stock ÷ CrisisComms** | | | | | | **{X(ratio.P50)}** | | **{X(ratio.P99)}** | **{X(ratio.Max)}** | | |"));
        md.AppendLine();
        md.AppendLine(Inv($"Target (issue 5): zero early, p99 ≤ {PublishLatenessBenchmark.TargetP99Ms:0} ms, max ≤ {PublishLatenessBenchmark.TargetMaxMs:0} ms, every statement published."));
        md.AppendLine();
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- App: `{AppDll}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s in all ({string.Join("; ", Runs.Select(r => Inv($"{r.Name} #{r.Repeat}: prepare {r.PrepareSeconds:0.0} s, schedule {r.ScheduleSeconds:0.0} s, wait {r.WaitSeconds:0.0} s")))})"));
        foreach (var r in Runs)
        {
            if (r.Lateness is { } l)
                md.AppendLine(Inv($"- {r.Name} #{r.Repeat}: min {l.Min:0.0} ms, mean {l.Mean:0.0} ms; app arguments `{string.Join(' ', r.AppArguments)}`"));
            if (r.Errors.Count > 0)
                md.AppendLine(Inv($"- {r.Name}: **{r.Errors.Count} API error(s)**: {string.Join("; ", r.Errors.Take(5).Select(Clip))}{(r.Errors.Count > 5 ? " …" : "")}"));
            if (r.AppProblems.Count > 0)
                md.AppendLine(Inv($"- {r.Name}: the app logged {r.AppProblems.Count} warning/error(s) (log `{r.AppLog}`): {string.Join("; ", Summarize(r.AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        }
        if (Runs.Any(r => r.Key == "stock" && r.Triggers.ContainsKey("sweep")))
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

/// <summary>One configuration over all its repeats: pooled lateness, and min / median / max of each repeat's p50, p99, max and early count.</summary>
public sealed record LatenessPooled(
    string Key, string Name, int Repeats, int Requested, int Published, int Early, Distribution? Lateness,
    Spread? P50, Spread? P99, Spread? Max, Spread? EarlyPerRepeat);
