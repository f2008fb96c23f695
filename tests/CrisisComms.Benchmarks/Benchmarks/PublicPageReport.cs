using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>The public-page result as Markdown (stdout, .md) and JSON (.json, with every wrk run's output).</summary>
public sealed record PublicPageReport(
    DateTimeOffset StartedAt, MachineInfo Machine, string AppDll, string WrkVersion, PublicPageSettings Settings,
    int PageBytes, string PageSha256, string PageContentType, int Updates,
    IReadOnlyList<PublicPageTarget> Targets, IReadOnlyList<PublicPageRun> Runs, double? OthersCpuBeforePercent, PublicPageQueries Queries, string NginxNote,
    IReadOnlyList<string> AppArguments, IReadOnlyList<string> AppProblems, string AppLog, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Medians over the measured rounds (warm-ups left out), per server.</summary>
    public IReadOnlyList<PublicPageSummary> Summaries => Targets.Select(t =>
    {
        var measured = Counted.Where(r => r.Target == t.Key).Select(r => r.Result).ToList();
        return new PublicPageSummary(
            t.Key, t.Name, measured.Count,
            RequestsPerSecond: Median(measured.Select(r => r.RequestsPerSecond)),
            P50Ms: Median(measured.Select(r => r.P50Ms)),
            P90Ms: Median(measured.Select(r => r.P90Ms)),
            P99Ms: Median(measured.Select(r => r.P99Ms)),
            MaxMs: measured.Count == 0 ? 0 : measured.Max(r => r.MaxMs),
            BytesPerResponse: Median(measured.Select(r => r.BytesPerResponse)),
            NonSuccessResponses: measured.Sum(r => r.NonSuccessResponses),
            SocketErrors: measured.Sum(r => r.SocketErrors.Total));
    }).ToList();

    /// <summary>The runs the medians are taken over: measured rounds, not warm-ups, not the ones repeated for a busy machine.</summary>
    public IReadOnlyList<PublicPageRun> Counted => Runs.Where(r => r.Round > 0 && !r.Discarded).ToList();

    /// <summary>The most that other programs used of the machine during a counted run.</summary>
    public double? MaxOthersCpuPercent => Counted.Max(r => r.OthersCpuPercent);

    private PublicPageSummary? Of(string key) => Summaries.FirstOrDefault(s => s.Key == key);

    /// <summary>App ÷ static for throughput and p99; null when a side is missing.</summary>
    public double? ThroughputRatio => Of("app") is { } a && Of("static") is { RequestsPerSecond: > 0 } s ? a.RequestsPerSecond / s.RequestsPerSecond : null;

    public double? P99Ratio => Of("app") is { } a && Of("static") is { P99Ms: > 0 } s ? a.P99Ms / s.P99Ms : null;

    public bool ThroughputMet => ThroughputRatio >= PublicPageBenchmark.TargetThroughputRatio;

    public bool P99Met => P99Ratio <= PublicPageBenchmark.TargetP99Ratio;

    /// <summary>Public database commands scaled to 10,000 requests (the target's unit).</summary>
    public double QueriesPer10k => Queries.Requests == 0 ? 0 : Queries.PublicDelta * 10_000.0 / Queries.Requests;

    public bool QueriesMet => QueriesPer10k <= PublicPageBenchmark.TargetQueriesPer10k;

    /// <summary>Things that make the figures untrustworthy: errors or refused requests under load, wrong bodies in the count.</summary>
    public IReadOnlyList<string> MeasurementProblems
    {
        get
        {
            var problems = new List<string>();
            foreach (var s in Summaries)
            {
                if (s.NonSuccessResponses > 0) problems.Add($"{s.Name}: {s.NonSuccessResponses} responses were not 2xx/3xx (a 429 means the public rate limit was hit)");
                if (s.SocketErrors > 0) problems.Add($"{s.Name}: {s.SocketErrors} socket errors (connect/read/write/timeout)");
            }
            if (Queries.Failures > 0) problems.Add($"database count: {Queries.Failures} of {Queries.Requests} requests were not 200 with the page's bytes ({string.Join("; ", Queries.FailureExamples)})");
            return problems;
        }
    }

    public string Command =>
        "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- public-page" + (Settings.Quick ? " --quick" : "");

    /// <summary>
    /// The figures for the <c>all</c> summary: the app's <c>/</c> against the Kestrel static file (medians over the
    /// rounds; min / median / max per round, and the ratio round by round), and the database count.
    /// </summary>
    public IReadOnlyList<Figure> Figures()
    {
        const string bench = "public-page";
        var app = Of("app");
        var stat = Of("static");
        var baseline = "Kestrel static file, same bytes";
        var rounds = Counted.Select(r => r.Round).Distinct().Order().ToList();
        IEnumerable<double> Per(string target, Func<WrkResult, double> pick) =>
            Counted.Where(r => r.Target == target).OrderBy(r => r.Round).Select(r => pick(r.Result));
        Spread? RatioRuns(Func<WrkResult, double> pick) => Spread.Of(rounds
            .Select(round => (a: Counted.FirstOrDefault(r => r.Round == round && r.Target == "app"), s: Counted.FirstOrDefault(r => r.Round == round && r.Target == "static")))
            .Where(p => p.a is not null && p.s is not null && pick(p.s.Result) > 0)
            .Select(p => pick(p.a!.Result) / pick(p.s!.Result)));
        return
        [
            new(bench, "`/` throughput", "req/s", app?.RequestsPerSecond, baseline, stat?.RequestsPerSecond,
                Spread.Of(Per("app", r => r.RequestsPerSecond)), RatioRuns(r => r.RequestsPerSecond),
                Inv($"ratio ≥ {PublicPageBenchmark.TargetThroughputRatio:0.0}×"), ThroughputRatio is null ? null : ThroughputMet),
            new(bench, "`/` p99 latency", "ms", app?.P99Ms, baseline, stat?.P99Ms,
                Spread.Of(Per("app", r => r.P99Ms)), RatioRuns(r => r.P99Ms),
                Inv($"ratio ≤ {PublicPageBenchmark.TargetP99Ratio:0.0}×"), P99Ratio is null ? null : P99Met),
            new(bench, "database queries per 10,000 cached `/`", "count", QueriesPer10k, Target: Inv($"≤ {PublicPageBenchmark.TargetQueriesPer10k}"), Met: QueriesMet,
                Note: "no baseline: a static file makes none"),
        ];
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "public-page",
        date = StartedAt,
        command = Command,
        machine = Machine,
        app = AppDll,
        appArguments = AppArguments,
        wrk = WrkVersion,
        settings = Settings,
        page = new { path = "/", bytes = PageBytes, sha256 = PageSha256, contentType = PageContentType, publishedUpdates = Updates },
        target = new { throughputRatioAtLeast = PublicPageBenchmark.TargetThroughputRatio, p99RatioAtMost = PublicPageBenchmark.TargetP99Ratio, publicQueriesPer10kAtMost = PublicPageBenchmark.TargetQueriesPer10k },
        result = new
        {
            throughputRatioAppOverStatic = ThroughputRatio,
            throughputMet = ThroughputMet,
            p99RatioAppOverStatic = P99Ratio,
            p99Met = P99Met,
            publicQueriesPer10k = QueriesPer10k,
            queriesMet = QueriesMet,
            measurementProblems = MeasurementProblems,
        },
        nginx = NginxNote,
        servers = Targets.Select(t => new { t.Key, t.Name, t.Description, url = t.Url.ToString() }),
        medians = Summaries,
        otherProgramsCpuPercent = new { beforeRuns = OthersCpuBeforePercent, maxDuringCountedRun = MaxOthersCpuPercent, threshold = Settings.BusyThresholdPercent },
        databaseCommands = Queries,
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        runs = Runs.Select(r => new { r.Target, r.Round, r.Attempt, warmup = r.Round == 0, r.Discarded, r.OthersCpuPercent, r.BusyCpuPercent, r.Result }),
        appProblems = AppProblems,
        appLog = AppLog,
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var w = Settings.Wrk;
        md.AppendLine(Inv($"## Public status page — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"`/` with the demo incident and {Updates} published public updates ({PageBytes:N0} bytes of HTML), served by the app as deployed (Release build, Production, output cache, public rate limiter on with its cap raised for one client address), against the identical bytes served as a static file. `wrk --latency -t{w.Threads} -c{w.Connections} -d{Settings.DurationSeconds}s`, {(Settings.WarmupSeconds > 0 ? Inv($"one {Settings.WarmupSeconds} s warm-up per server, then ") : "")}{Settings.Rounds} round(s) with the order rotated; medians over the rounds.{(Settings.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| server | req/s | p50 ms | p90 ms | p99 ms | max ms | bytes/response (with headers, ≈) | errors |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var s in Summaries)
            md.AppendLine(Inv($"| {s.Name} | {s.RequestsPerSecond:N0} | {Ms(s.P50Ms)} | {Ms(s.P90Ms)} | {Ms(s.P99Ms)} | {Ms(s.MaxMs)} | {s.BytesPerResponse:N0} | {(s.NonSuccessResponses + s.SocketErrors == 0 ? "0" : Inv($"**{s.NonSuccessResponses + s.SocketErrors}**"))} |"));
        if (!Targets.Any(t => t.Key == "nginx"))
            md.AppendLine(Inv($"| nginx static file | {NginxNote} | | | | | | |"));
        md.AppendLine();
        md.AppendLine("| check | measured | target | result |");
        md.AppendLine("|---|--:|--:|---|");
        md.AppendLine(Inv($"| throughput, app ÷ static file | {X(ThroughputRatio)} | ≥ {PublicPageBenchmark.TargetThroughputRatio:0.0}× | {Verdict(ThroughputMet)} |"));
        md.AppendLine(Inv($"| p99 latency, app ÷ static file | {X(P99Ratio)} | ≤ {PublicPageBenchmark.TargetP99Ratio:0.0}× | {Verdict(P99Met)} |"));
        md.AppendLine(Inv($"| database queries during {Queries.Requests:N0} cached requests (\"public\") | {Queries.PublicDelta} | ≤ {PublicPageBenchmark.TargetQueriesPer10k * Queries.Requests / 10_000.0:0.##} | {Verdict(QueriesMet)} |"));
        md.AppendLine();
        md.AppendLine("Per round (req/s · p99 ms · CPU other programs used meanwhile):");
        md.AppendLine();
        md.AppendLine("| round | " + string.Join(" | ", Targets.Select(t => t.Name)) + " |");
        md.AppendLine("|---|" + string.Concat(Targets.Select(_ => "--:|")));
        for (var round = 0; round <= Settings.Rounds; round++)
        {
            var inRound = Runs.Where(r => r.Round == round && !r.Discarded).ToList();
            if (inRound.Count == 0) continue;
            var order = string.Join(" → ", inRound.Select(r => r.Target));
            md.AppendLine("| " + (round == 0 ? "warm-up" : Inv($"{round} ({order})")) + " | " + string.Join(" | ", Targets.Select(t =>
                inRound.FirstOrDefault(r => r.Target == t.Key) is { } run ? Inv($"{run.Result.RequestsPerSecond:N0} · {Ms(run.Result.P99Ms)} · {Pct(run.OthersCpuPercent)}") : "—")) + " |");
        }
        md.AppendLine();
        var discarded = Runs.Where(r => r.Discarded).ToList();
        md.AppendLine(Inv($"- Other programs on the machine: {Pct(OthersCpuBeforePercent)} of its CPU just before the runs, at most {Pct(MaxOthersCpuPercent)} during a counted run{(discarded.Count > 0 ? Inv($"; {discarded.Count} run(s) repeated because others used more than {Settings.BusyThresholdPercent:0.#} % ({string.Join(", ", discarded.Select(d => Inv($"{d.Target} round {d.Round}: {Pct(d.OthersCpuPercent)}")))})") : "")}"));
        if (MaxOthersCpuPercent > Settings.BusyThresholdPercent)
            md.AppendLine(Inv($"- **The machine was shared:** other programs used more than {Settings.BusyThresholdPercent:0.#} % of it during a counted run even after {Settings.Retries} repeat(s); treat the figures with care."));
        md.AppendLine(Inv($"- Command: `{Command}`"));
        md.AppendLine(Inv($"- Machine: {Machine}; wrk, the app and the static servers share it (loopback)"));
        md.AppendLine(Inv($"- {WrkVersion}; nginx: {NginxNote}"));
        md.AppendLine(Inv($"- Page: `/`, {PageBytes:N0} bytes, `{PageContentType}`, sha256 `{PageSha256}`; the static servers were checked to answer the identical bytes"));
        md.AppendLine(Inv($"- Database commands (`GET /api/staff/v1/diagnostics`, admin): {Queries.PublicDelta} \"public\" and {Queries.TotalDelta} in all (staff API, background jobs) during {Queries.Requests:N0} requests to `/` ({Queries.Concurrency} concurrent, HttpClient, {Queries.Seconds:0.0} s, every answer 200 with the page's bytes{(Queries.Failures > 0 ? Inv($" except **{Queries.Failures}**") : "")}), counted right after the page was rendered{(Queries.SnapshotSettled ? " (once the app's post-publication refresh was done)" : " (**without** waiting for the app's post-publication refresh: it did not finish within 30 s)")}; that render cost {Queries.FirstRenderPublic} \"public\" command(s)"));
        foreach (var t in Targets)
            md.AppendLine(Inv($"- {t.Name}: {t.Description}"));
        md.AppendLine(Inv($"- App arguments: `{string.Join(' ', AppArguments)}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s"));
        foreach (var p in MeasurementProblems)
            md.AppendLine(Inv($"- **Measurement problem:** {p}"));
        if (AppProblems.Count > 0)
            md.AppendLine(Inv($"- The app logged {AppProblems.Count} warning/error(s) (log `{AppLog}`): {string.Join("; ", LatenessReport.Summarize(AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        return md.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Verdict(bool met) => met ? "PASS" : "**MISS**";

    private static string Ms(double v) => v.ToString(v < 10 ? "0.00" : v < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string X(double? v) => v is null ? "n/a" : v.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Clip(string s) => (s.Length > 200 ? s[..200] + "…" : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One server's medians over the measured rounds; latencies in milliseconds.</summary>
public sealed record PublicPageSummary(
    string Key, string Name, int Rounds, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs,
    double BytesPerResponse, long NonSuccessResponses, long SocketErrors);
