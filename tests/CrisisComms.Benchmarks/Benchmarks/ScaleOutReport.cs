using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>The scale-out result as Markdown (stdout, .md) and JSON (.json, with every event and every statement).</summary>
public sealed record ScaleOutReport(
    DateTimeOffset StartedAt, MachineInfo Machine, string AppDll, ScaleOutSettings Settings, LatenessSettings Lateness,
    IReadOnlyList<LatencySide> Sides, IReadOnlyList<LatenessRun> Runs, IReadOnlyDictionary<string, IReadOnlyList<string>> AppArguments,
    IReadOnlyDictionary<string, IReadOnlyList<string>> AppProblems, IReadOnlyList<string> Errors, IReadOnlyList<string> Logs, TimeSpan Duration)
{
    private const string Bench = "scale-out";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private LatencyPooled? Single => Pooled("single");
    private LatencyPooled? Cross => Pooled("cross");

    /// <summary>Every round of one side together: every client of every counted event pooled, and each round's p95.</summary>
    public LatencyPooled? Pooled(string key)
    {
        var rounds = Sides.Where(s => s.Key == key).OrderBy(s => s.Round).ToList();
        if (rounds.Count == 0) return null;
        var counted = rounds.SelectMany(r => r.Counted).ToList();
        return new LatencyPooled(key, rounds[0].Description, rounds.Count, counted.Count,
            counted.Sum(e => e.FeedReceived), counted.Sum(e => e.FeedClients), Distribution.Of(counted.SelectMany(e => e.FeedMs)),
            counted.Sum(e => e.StatusReceived), counted.Sum(e => e.StatusClients), Distribution.Of(counted.SelectMany(e => e.StatusMs)),
            Distribution.Of(counted.Select(e => e.ApiMs)),
            FeedP95: Spread.Of(rounds.Select(r => r.Feed?.P95).OfType<double>()),
            FeedP99: Spread.Of(rounds.Select(r => r.Feed?.P99).OfType<double>()),
            StatusP95: Spread.Of(rounds.Select(r => r.Status?.P95).OfType<double>()));
    }

    /// <summary>cross ÷ single round by round (round r of each side), for the ratio's min–max.</summary>
    private Spread? RatioRuns(Func<LatencySide, double?> pick) =>
        Spread.Of(Sides.Where(s => s.Key == "cross")
            .Select(c => (c: pick(c), s: Sides.FirstOrDefault(x => x.Key == "single" && x.Round == c.Round) is { } single ? pick(single) : null))
            .Where(p => p.c is not null && p.s is > 0)
            .Select(p => p.c!.Value / p.s!.Value));
    private LatenessRun? Cluster => Runs.FirstOrDefault(r => r.Key == "cluster");
    private LatenessRun? Sqlite => Runs.FirstOrDefault(r => r.Key == "single-sqlite");

    /// <summary>Statements of the two-instance lateness run with exactly one publication.</summary>
    private int? ExactlyOnce => Cluster is { } c ? c.Samples.Count(s => s.Publications == 1) : null;

    /// <summary>
    /// The figures for the <c>all</c> summary: cross-instance p95 (and p99) against the single instance's, for the change
    /// feed and the public hub; two-instance publish lateness against the single SQLite instance's.
    /// </summary>
    public IReadOnlyList<Figure> Figures()
    {
        const string baseline = "one instance on PostgreSQL, clients on it";
        var single = Single;
        var cross = Cross;
        var clients = Inv($"{Settings.Clients} clients, {Settings.Rounds} × {Settings.Publications} publications");
        var publicClients = Inv($"{Settings.StatusClients} clients");
        var target = Inv($"≤ {ScaleOutBenchmark.TargetRatio:0}× single instance");
        bool? Within(double? value, double? over) => value is { } v && over is { } o && o > 0 ? v / o <= ScaleOutBenchmark.TargetRatio : null;
        var sqlite = Sqlite;
        var cluster = Cluster;
        const string latenessBaseline = "one instance, SQLite (the default)";
        return
        [
            new(Bench, "publish on A → change feed on B, p95", "ms", cross?.Feed?.P95, baseline, single?.Feed?.P95, cross?.FeedP95, RatioRuns(r => r.Feed?.P95),
                target, Within(cross?.Feed?.P95, single?.Feed?.P95), clients),
            new(Bench, "publish on A → change feed on B, p99", "ms", cross?.Feed?.P99, baseline, single?.Feed?.P99, cross?.FeedP99, RatioRuns(r => r.Feed?.P99), Note: clients),
            new(Bench, "publish on A → public hub on B, p95", "ms", cross?.Status?.P95, baseline, single?.Status?.P95, cross?.StatusP95, RatioRuns(r => r.Status?.P95),
                target, Within(cross?.Status?.P95, single?.Status?.P95), publicClients),
            new(Bench, "publish lateness p99, two instances on PostgreSQL", "ms", cluster?.Lateness?.P99, latenessBaseline, sqlite?.Lateness?.P99, null, null,
                Inv($"≤ {ScaleOutBenchmark.TargetP99Ms:0} ms"), cluster?.Lateness is { } l99 ? l99.P99 <= ScaleOutBenchmark.TargetP99Ms : null),
            new(Bench, "publish lateness max, two instances on PostgreSQL", "ms", cluster?.Lateness?.Max, latenessBaseline, sqlite?.Lateness?.Max, null, null,
                Inv($"≤ {ScaleOutBenchmark.TargetMaxMs:0} ms"), cluster?.Lateness is { } lmax ? lmax.Max <= ScaleOutBenchmark.TargetMaxMs : null),
            new(Bench, "published early, two instances", "count", cluster?.Early, latenessBaseline, sqlite?.Early, null, null, "0", cluster is null ? null : cluster.Early == 0),
            new(Bench, "published exactly once, two instances", "count", ExactlyOnce, latenessBaseline, sqlite?.Samples.Count(s => s.Publications == 1), null, null,
                Inv($"{Lateness.Count}"), ExactlyOnce is { } once ? once == Lateness.Count : null,
                "statements with exactly one publication, of those scheduled"),
        ];
    }

    /// <summary>What the <c>all</c> summary lists under the table: undelivered events, early or double publications, API errors.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(Errors);
        foreach (var run in Runs)
        {
            problems.AddRange(run.Errors.Select(e => $"{run.Name}: {e}"));
            if (run.NotPublished + (run.Requested - run.Scheduled) > 0) problems.Add($"{run.Name}: {run.NotPublished + run.Requested - run.Scheduled} of {run.Requested} statements not published");
            foreach (var s in run.Samples.Where(s => s.LatenessMs < 0))
                problems.Add($"EARLY PUBLICATION ({run.Name}): statement {s.StatementId} was published {-s.LatenessMs:0.0} ms BEFORE its scheduled time {StaffApi.FormatTime(s.ScheduledFor)}.");
            foreach (var s in run.Samples.Where(s => s.Publications > 1))
                problems.Add($"PUBLISHED TWICE ({run.Name}): statement {s.StatementId} has {s.Publications} publications.");
        }
        return problems;
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = Bench,
        date = StartedAt,
        machine = Machine,
        app = AppDll,
        settings = Settings,
        lateness = Lateness,
        target = new { crossOverSingleP95 = ScaleOutBenchmark.TargetRatio, latenessP99Ms = ScaleOutBenchmark.TargetP99Ms, latenessMaxMs = ScaleOutBenchmark.TargetMaxMs, early = 0, publicationsPerStatement = 1 },
        percentiles = "nearest-rank",
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        figures = Figures(),
        eventToClient = new[] { "single", "cross" }.Select(key => new
        {
            pooled = Pooled(key),
            appArguments = AppArguments.GetValueOrDefault(key),
            appProblemSummary = LatenessReport.Summarize(AppProblems.GetValueOrDefault(key) ?? []).Select(p => new { p.Count, p.Example }),
            rounds = Sides.Where(s => s.Key == key).Select(s => new { side = s, feed = s.Feed, @public = s.Status, api = s.Api }),
        }),
        publishLateness = Runs.Select(r => new { run = r, appProblemSummary = LatenessReport.Summarize(r.AppProblems).Select(p => new { p.Count, p.Example }) }),
        errors = Errors,
        logs = Logs,
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Scale-out — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"A throwaway PostgreSQL server and redis-server started for the run; the app as separate processes (Production, demo accounts), each on a new database.{(Settings.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("### 1. Event to client: publish on A, clients on B");
        md.AppendLine();
        md.AppendLine(Inv($"{Settings.Rounds} round(s) of both sides, the order alternating; per side and round, {Settings.Warmup} unmeasured then {Settings.Publications} measured \"publish now\" calls (staff API, approved holding statements for the public), one at a time: the next is sent once every client has the last one (or {Settings.TimeoutSeconds} s passed), and {Settings.SpacingMs} ms later. Latency = from right before the request to a client receiving it: {Settings.Clients} change-feed clients (`/hubs/changes`, `statement.published` for that statement, bearer tokens of 4 staff users) and {Settings.StatusClients} public clients (`/hubs/status`, the next `updated`). Percentiles nearest-rank over every client of every measured event."));
        md.AppendLine();
        md.AppendLine("| side | round | trigger → clients | feed delivered | feed p50 | feed p95 | feed p99 | feed max | public delivered | public p50 | public p95 | public p99 | API p50 | other programs | PostgreSQL | app(s), % of one core |");
        md.AppendLine("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var s in Sides.OrderBy(s => s.Key != "single").ThenBy(s => s.Round))
        {
            var c = s.Counted;
            md.AppendLine(Inv($"| {s.Key} | {s.Round} | {s.Description} | {c.Sum(e => e.FeedReceived)}/{c.Sum(e => e.FeedClients)} | {Ms(s.Feed?.P50)} | {Ms(s.Feed?.P95)} | {Ms(s.Feed?.P99)} | {Ms(s.Feed?.Max)} | {c.Sum(e => e.StatusReceived)}/{c.Sum(e => e.StatusClients)} | {Ms(s.Status?.P50)} | {Ms(s.Status?.P95)} | {Ms(s.Status?.P99)} | {Ms(s.Api?.P50)} | {Pct(s.Load.OthersPercent)} | {Pct(s.Load.PostgresPercent)} | {Pct(s.Load.AppPercentOfOneCore)} |"));
        }
        foreach (var p in new[] { Single, Cross }.OfType<LatencyPooled>())
        {
            md.AppendLine(Inv($"| **{p.Key}, all rounds** | {p.Rounds} | pooled | {p.FeedReceived}/{p.FeedExpected} | {Ms(p.Feed?.P50)} | **{Ms(p.Feed?.P95)}** | {Ms(p.Feed?.P99)} | {Ms(p.Feed?.Max)} | {p.StatusReceived}/{p.StatusExpected} | {Ms(p.Status?.P50)} | **{Ms(p.Status?.P95)}** | {Ms(p.Status?.P99)} | {Ms(p.Api?.P50)} | | | |"));
        }
        if (Single is { } one && Cross is { } two)
        {
            md.AppendLine(Inv($"| **ratio cross ÷ single** | | | | {X(two.Feed?.P50, one.Feed?.P50)} | **{X(two.Feed?.P95, one.Feed?.P95)}** | {X(two.Feed?.P99, one.Feed?.P99)} | | | {X(two.Status?.P50, one.Status?.P50)} | **{X(two.Status?.P95, one.Status?.P95)}** | {X(two.Status?.P99, one.Status?.P99)} | | | | |"));
        }
        md.AppendLine();
        md.AppendLine(Inv($"Target (issue 9): event-to-client p95 across instances ≤ {ScaleOutBenchmark.TargetRatio:0}× the single-instance figure of the same run (pooled over the rounds; per round the ratio of p95s was {Range(RatioRuns(r => r.Feed?.P95))} for the feed, {Range(RatioRuns(r => r.Status?.P95))} for the public hub)."));
        md.AppendLine();
        foreach (var s in Sides.OrderBy(s => s.Key != "single").ThenBy(s => s.Round))
            md.AppendLine(Inv($"- {s.Key} round {s.Round}: {Settings.Clients + Settings.StatusClients} clients connected in {s.ConnectSeconds:0.0} s; the public clients got {s.StatusMessages} `updated` message(s) for {s.Events.Count} publications × {Settings.StatusClients} clients (one each expected; warm-ups included)."));
        foreach (var (key, logged) in AppProblems.Where(p => p.Value.Count > 0))
            md.AppendLine(Inv($"- {key}: the app(s) logged {logged.Count} warning/error(s) in all (lateness part included for cross): {string.Join("; ", LatenessReport.Summarize(logged).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        md.AppendLine(Inv($"- All three instances run throughout part 1 (the side not measured idles: Hangfire polling, sweep, timers); app arguments: single `{string.Join(' ', AppArguments.GetValueOrDefault("single") ?? [])}`; A and B `{string.Join(' ', AppArguments.GetValueOrDefault("cross") ?? [])}`."));
        md.AppendLine();
        md.AppendLine("### 2. Publish lateness with two instances");
        md.AppendLine();
        md.AppendLine(Inv($"{Lateness.Count} holding statements per side, scheduled through the staff API {Lateness.MinAheadSeconds:0.#}–{Lateness.MaxAheadSeconds:0.#} s ahead (uniform, seed {Lateness.Seed}; the same offsets on both sides). Two instances: scheduled and polled through A; both run a Hangfire server (PostgreSQL storage) and the precise timer, so either may publish, and the database must let exactly one. Lateness = `publications[0].publishedAt − scheduledFor`, both server-side; percentiles nearest-rank."));
        md.AppendLine();
        md.AppendLine("| side | configuration | published | not published | early | exactly once | p50 ms | p95 ms | p99 ms | max ms | published by | target |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|");
        foreach (var r in Runs)
        {
            var l = r.Lateness;
            var triggers = r.Triggers.Count == 0 ? "—" : string.Join(", ", r.Triggers.Select(t => $"{t.Key} {t.Value}"));
            var once = r.Samples.Count(s => s.Publications == 1);
            md.AppendLine(Inv($"| {r.Name} | {r.Description} | {r.Published}/{r.Requested} | {r.NotPublished + (r.Requested - r.Scheduled)} | {(r.Early > 0 ? $"**{r.Early}**" : "0")} | {(once == r.Requested ? $"{once}" : $"**{once}**")}/{r.Requested} | {Ms(l?.P50)} | {Ms(l?.P95)} | {Ms(l?.P99)} | {Ms(l?.Max)} | {triggers} | {(r.MeetsTarget && once == r.Requested ? "met" : "**missed**")} |"));
        }
        md.AppendLine();
        md.AppendLine(Inv($"Target (issues 5 and 9): every statement published exactly once, zero early, p99 ≤ {ScaleOutBenchmark.TargetP99Ms:0} ms, max ≤ {ScaleOutBenchmark.TargetMaxMs:0} ms."));
        md.AppendLine();
        foreach (var r in Runs)
        {
            md.AppendLine(Inv($"- {r.Name}: prepare {r.PrepareSeconds:0.0} s, schedule {r.ScheduleSeconds:0.0} s, wait {r.WaitSeconds:0.0} s{(r.Lateness is { } l ? Inv($"; min {l.Min:0.0} ms, mean {l.Mean:0.0} ms") : "")}; app arguments `{string.Join(' ', r.AppArguments)}`"));
            if (r.AppProblems.Count > 0)
                md.AppendLine(Inv($"- {r.Name}: the app(s) logged {r.AppProblems.Count} warning/error(s) (log `{r.AppLog}`): {string.Join("; ", LatenessReport.Summarize(r.AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        }
        md.AppendLine();
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- App: `{AppDll}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s. Logs beside this report: {string.Join(", ", Logs.Select(l => $"`{l}`"))}."));
        md.AppendLine("- CPU columns: \"other programs\" is the share of the whole machine used by programs this benchmark did not start (PostgreSQL's server, which pg_ctl detaches, taken out and shown apart); the app column is the app process(es) together, in % of one core.");
        var problems = Problems();
        if (problems.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(Inv($"**{problems.Count} problem(s)**:"));
            foreach (var p in problems.Take(20)) md.AppendLine(Inv($"- {Clip(p)}"));
            if (problems.Count > 20) md.AppendLine("- …");
        }
        return md.ToString();
    }

    private static string Ms(double? v) => ScaleOutBenchmark.Ms(v);

    private static string Pct(double? v) => ScaleOutBenchmark.Pct(v);

    private static string Range(Spread? s) => s is null ? "—" : s.Count == 1 ? Figure.FormatRatio(s.Min) : $"{Figure.FormatRatio(s.Min)}–{Figure.FormatRatio(s.Max)}";

    private static string X(double? a, double? b) => a is { } x && b is { } y && y > 0 ? Figure.FormatRatio(x / y) : "—";

    private static string Clip(string s) => (s.Length > 200 ? s[..200] + "…" : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Every round of one event-to-client side together: deliveries and latencies pooled, and per-round p95/p99 spreads.</summary>
public sealed record LatencyPooled(
    string Key, string Description, int Rounds, int Events, int FeedReceived, int FeedExpected, Distribution? Feed,
    int StatusReceived, int StatusExpected, Distribution? Status, Distribution? Api, Spread? FeedP95, Spread? FeedP99, Spread? StatusP95);
