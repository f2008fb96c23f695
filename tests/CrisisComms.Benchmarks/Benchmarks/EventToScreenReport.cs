using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>The event-to-screen result as Markdown (stdout, .md) and JSON (.json, with every event).</summary>
public sealed record EventToScreenReport(
    DateTimeOffset StartedAt, MachineInfo Machine, string AppDll, string BrowserVersion, EventToScreenSettings Settings, IReadOnlyList<string> PageUsers,
    IReadOnlyList<EventSample> Events, IReadOnlyList<EventBlock> Blocks, IReadOnlyList<ClientConnect> Connects, double? OthersCpuBeforePercent,
    IReadOnlyList<string> Errors, IReadOnlyList<string> AppArguments, IReadOnlyList<string> AppProblems, string AppLog, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The events the figures are taken over: measured rounds, not warm-ups, not sides repeated for a busy machine.</summary>
    public IReadOnlyList<EventSample> Counted => Events.Where(e => !e.Warmup && !e.Discarded).ToList();

    public IReadOnlyList<EventBlock> CountedBlocks => Blocks.Where(b => !b.Discarded).ToList();

    /// <summary>Per client count: the pages, the app's hub clients and the bare hub's clients, each pooled over all counted events.</summary>
    public IReadOnlyList<EventLevelSummary> Levels => Settings.ClientLevels.Select(level =>
    {
        var app = Counted.Where(e => e.Level == level && e.Target == "app").ToList();
        var bare = Counted.Where(e => e.Level == level && e.Target == "bare").ToList();
        return new EventLevelSummary(
            level,
            AppEvents: app.Count,
            BareEvents: bare.Count,
            Pages: Distribution.Of(app.SelectMany(e => e.PageMs.OfType<double>())),
            PageDeliveries: app.Sum(e => e.PageMs.Count(p => p is not null)),
            PageExpected: app.Sum(e => e.PageMs.Count),
            AppClients: Distribution.Of(app.SelectMany(e => e.HubMs)),
            AppDeliveries: app.Sum(e => e.HubReceived),
            AppExpected: app.Sum(e => e.HubClients),
            BareClients: Distribution.Of(bare.SelectMany(e => e.HubMs)),
            BareDeliveries: bare.Sum(e => e.HubReceived),
            BareExpected: bare.Sum(e => e.HubClients),
            PagesApprove: Distribution.Of(app.Where(e => e.Kind == "approve").SelectMany(e => e.PageMs.OfType<double>())),
            PagesPublish: Distribution.Of(app.Where(e => e.Kind == "publish").SelectMany(e => e.PageMs.OfType<double>())),
            ApiApprove: Distribution.Of(app.Where(e => e.Kind == "approve").Select(e => e.ApiMs)),
            ApiPublish: Distribution.Of(app.Where(e => e.Kind == "publish").Select(e => e.ApiMs)),
            ApiBare: Distribution.Of(bare.Select(e => e.ApiMs)))
        { RoundP95 = RoundSpread(level) };
    }).ToList();

    /// <summary>Per round, p95 of pages / app clients / bare clients; min, median, max over the rounds.</summary>
    private IReadOnlyDictionary<string, Spread?> RoundSpread(int level)
    {
        var rounds = Enumerable.Range(1, Settings.Rounds).ToList();
        IEnumerable<double> P95s(Func<int, IEnumerable<double>> values) =>
            rounds.Select(r => Distribution.Of(values(r))).OfType<Distribution>().Select(d => d.P95);
        IEnumerable<EventSample> In(int r, string target) => Counted.Where(e => e.Level == level && e.Round == r && e.Target == target);
        return new Dictionary<string, Spread?>
        {
            ["pages"] = Spread.Of(P95s(r => In(r, "app").SelectMany(e => e.PageMs.OfType<double>()))),
            ["appClients"] = Spread.Of(P95s(r => In(r, "app").SelectMany(e => e.HubMs))),
            ["bareClients"] = Spread.Of(P95s(r => In(r, "bare").SelectMany(e => e.HubMs))),
        };
    }

    /// <summary>One round's distribution for one receiver: "pages", "appClients" or "bareClients".</summary>
    private Distribution? RoundDistribution(int level, int round, string receiver)
    {
        IEnumerable<EventSample> In(string target) => Counted.Where(e => e.Level == level && e.Round == round && e.Target == target);
        return receiver switch
        {
            "pages" => Distribution.Of(In("app").SelectMany(e => e.PageMs.OfType<double>())),
            "appClients" => Distribution.Of(In("app").SelectMany(e => e.HubMs)),
            _ => Distribution.Of(In("bare").SelectMany(e => e.HubMs)),
        };
    }

    /// <summary>
    /// The figures for the <c>all</c> summary: p50 / p95 / p99 for the dashboards and the <c>/hubs/changes</c> clients at
    /// each client count, against the bare broadcast to the same number of clients (pooled over the rounds; min / median
    /// / max per round, and the ratio round by round).
    /// </summary>
    public IReadOnlyList<Figure> Figures()
    {
        const string bench = "event-to-screen";
        var figures = new List<Figure>();
        var percentiles = new (string Name, Func<Distribution, double> Pick, double? Target)[]
        {
            ("p50", d => d.P50, null),
            ("p95", d => d.P95, EventToScreenBenchmark.TargetP95Ms),
            ("p99", d => d.P99, EventToScreenBenchmark.TargetP99Ms),
        };
        foreach (var l in Levels)
        {
            var rounds = Enumerable.Range(1, Settings.Rounds).ToList();
            foreach (var (receiver, label, pooled) in new[] { ("pages", $"{Settings.Pages} dashboards", l.Pages), ("appClients", "`/hubs/changes` clients", l.AppClients) })
            {
                if (receiver == "appClients" && l.Clients == 0) continue;
                foreach (var (name, pick, target) in percentiles)
                {
                    double? Pick(Distribution? d) => d is null ? null : pick(d);
                    var value = Pick(pooled);
                    figures.Add(new Figure(
                        bench, Inv($"{label}, {l.Clients:N0} clients, {name}"), "ms", value,
                        l.Clients == 0 ? null : Inv($"bare SignalR broadcast, {l.Clients:N0} clients"), Pick(l.BareClients),
                        Spread.Of(rounds.Select(r => Pick(RoundDistribution(l.Clients, r, receiver))).OfType<double>()),
                        Spread.Of(rounds.Select(r => (a: Pick(RoundDistribution(l.Clients, r, receiver)), b: Pick(RoundDistribution(l.Clients, r, "bareClients"))))
                            .Where(p => p.a is not null && p.b is > 0).Select(p => p.a!.Value / p.b!.Value)),
                        target is { } t ? Inv($"≤ {t:0} ms") : null,
                        target is { } t2 && value is { } v ? v <= t2 : null));
                }
            }
        }
        return figures;
    }

    public double? MaxOthersCpuPercent => CountedBlocks.Max(b => b.OthersCpuPercent);

    /// <summary>Things that make the figures untrustworthy: events that did not reach everyone, API errors.</summary>
    public IReadOnlyList<string> MeasurementProblems
    {
        get
        {
            var problems = new List<string>();
            foreach (var l in Levels)
            {
                if (l.PageDeliveries < l.PageExpected) problems.Add(Inv($"{l.Clients} clients: pages showed {l.PageDeliveries} of {l.PageExpected} events"));
                if (l.AppDeliveries < l.AppExpected) problems.Add(Inv($"{l.Clients} clients: /hubs/changes delivered {l.AppDeliveries} of {l.AppExpected}"));
                if (l.BareDeliveries < l.BareExpected) problems.Add(Inv($"{l.Clients} clients: the bare hub delivered {l.BareDeliveries} of {l.BareExpected}"));
            }
            if (Errors.Count > 0) problems.Add($"{Errors.Count} error(s): {string.Join("; ", Errors.Take(5))}{(Errors.Count > 5 ? " …" : "")}");
            return problems;
        }
    }

    public string Command => "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- event-to-screen" + (Settings.Quick ? " --quick" : "");

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "event-to-screen",
        date = StartedAt,
        command = Command,
        machine = Machine,
        app = AppDll,
        appArguments = AppArguments,
        browser = $"Chromium {BrowserVersion} (headless, {Browser.ExecutablePath})",
        pageUsers = PageUsers,
        settings = Settings,
        target = new { p95AtMostMs = EventToScreenBenchmark.TargetP95Ms, p99AtMostMs = EventToScreenBenchmark.TargetP99Ms },
        levels = Levels.Select(l => new
        {
            clients = l.Clients,
            l.AppEvents,
            l.BareEvents,
            pages = l.Pages,
            pagesDelivered = $"{l.PageDeliveries}/{l.PageExpected}",
            appClients = l.AppClients,
            appClientsDelivered = $"{l.AppDeliveries}/{l.AppExpected}",
            bareClients = l.BareClients,
            bareClientsDelivered = $"{l.BareDeliveries}/{l.BareExpected}",
            ratios = new
            {
                appClientsOverBareP95 = Ratio(l.AppClients?.P95, l.BareClients?.P95),
                appClientsOverBareP99 = Ratio(l.AppClients?.P99, l.BareClients?.P99),
                pagesOverBareP95 = Ratio(l.Pages?.P95, l.BareClients?.P95),
                pagesOverBareP99 = Ratio(l.Pages?.P99, l.BareClients?.P99),
            },
            met = new
            {
                pagesP95 = l.Pages?.P95 <= EventToScreenBenchmark.TargetP95Ms,
                pagesP99 = l.Pages?.P99 <= EventToScreenBenchmark.TargetP99Ms,
                appClientsP95 = l.AppClients?.P95 <= EventToScreenBenchmark.TargetP95Ms,
                appClientsP99 = l.AppClients?.P99 <= EventToScreenBenchmark.TargetP99Ms,
            },
            byKind = new { pagesApprove = l.PagesApprove, pagesPublish = l.PagesPublish },
            apiResponseMs = new { approve = l.ApiApprove, publish = l.ApiPublish, bareBroadcast = l.ApiBare },
            roundP95 = l.RoundP95,
        }),
        measurementProblems = MeasurementProblems,
        connects = Connects,
        otherProgramsCpuPercent = new { beforeRuns = OthersCpuBeforePercent, maxDuringCountedSide = MaxOthersCpuPercent, threshold = Settings.BusyThresholdPercent },
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        blocks = Blocks,
        events = Events,
        errors = Errors,
        appProblems = AppProblems,
        appLog = AppLog,
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var s = Settings;
        md.AppendLine(Inv($"## Event to screen — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"Time from right before the staff API call that approves or publishes a statement (alternating) to the change being in the DOM of {s.Pages} Chromium dashboards (`/dashboard`, each its own signed-in circuit; a MutationObserver stamps `Date.now()` when the activity entry for that action and statement appears) and to its arrival at each SignalR client of `/hubs/changes` (.NET HubConnection, WebSockets, bearer tokens), with the dashboards open throughout. Baseline in the same run: a bare SignalR hub in its own process broadcasting a payload of the same shape (`Clients.All.SendAsync`) to the same number of clients, timed from right before `POST /broadcast`. Per client count: {s.WarmupEvents} warm-up event(s) per side, then {s.Rounds} round(s) of {s.EventsPerRound} events per side, app and bare alternating first; percentiles pooled over every (event, receiver).{(s.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| clients | receivers | events | delivered | p50 ms | p95 ms | p99 ms | max ms | p95 per round, min / median / max |");
        md.AppendLine("|--:|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var l in Levels)
        {
            Row(l.Clients, Inv($"{s.Pages} browser dashboards"), l.AppEvents, l.PageDeliveries, l.PageExpected, l.Pages, l.RoundP95.GetValueOrDefault("pages"));
            if (l.Clients > 0)
            {
                Row(l.Clients, Inv($"{l.Clients} `/hubs/changes` clients"), l.AppEvents, l.AppDeliveries, l.AppExpected, l.AppClients, l.RoundP95.GetValueOrDefault("appClients"));
                Row(l.Clients, Inv($"{l.Clients} bare-hub clients (baseline)"), l.BareEvents, l.BareDeliveries, l.BareExpected, l.BareClients, l.RoundP95.GetValueOrDefault("bareClients"));
            }
        }
        md.AppendLine();
        md.AppendLine("| check | measured | target | result |");
        md.AppendLine("|---|--:|--:|---|");
        foreach (var l in Levels)
        {
            md.AppendLine(Inv($"| dashboards p95, {l.Clients} clients | {Ms(l.Pages?.P95)} ms | ≤ {EventToScreenBenchmark.TargetP95Ms:0} ms | {Verdict(l.Pages?.P95 <= EventToScreenBenchmark.TargetP95Ms)} |"));
            md.AppendLine(Inv($"| dashboards p99, {l.Clients} clients | {Ms(l.Pages?.P99)} ms | ≤ {EventToScreenBenchmark.TargetP99Ms:0} ms | {Verdict(l.Pages?.P99 <= EventToScreenBenchmark.TargetP99Ms)} |"));
            if (l.Clients == 0) continue;
            md.AppendLine(Inv($"| `/hubs/changes` clients p95, {l.Clients} clients | {Ms(l.AppClients?.P95)} ms | ≤ {EventToScreenBenchmark.TargetP95Ms:0} ms | {Verdict(l.AppClients?.P95 <= EventToScreenBenchmark.TargetP95Ms)} |"));
            md.AppendLine(Inv($"| `/hubs/changes` clients p99, {l.Clients} clients | {Ms(l.AppClients?.P99)} ms | ≤ {EventToScreenBenchmark.TargetP99Ms:0} ms | {Verdict(l.AppClients?.P99 <= EventToScreenBenchmark.TargetP99Ms)} |"));
        }
        md.AppendLine();
        md.AppendLine("Ratios to the bare broadcast at the same client count (no target of their own; they say how much of the figure is the app rather than SignalR on this machine):");
        md.AppendLine();
        md.AppendLine("| clients | `/hubs/changes` ÷ bare, p95 | p99 | dashboards ÷ bare, p95 | p99 |");
        md.AppendLine("|--:|--:|--:|--:|--:|");
        foreach (var l in Levels.Where(l => l.Clients > 0))
            md.AppendLine(Inv($"| {l.Clients} | {X(Ratio(l.AppClients?.P95, l.BareClients?.P95))} | {X(Ratio(l.AppClients?.P99, l.BareClients?.P99))} | {X(Ratio(l.Pages?.P95, l.BareClients?.P95))} | {X(Ratio(l.Pages?.P99, l.BareClients?.P99))} |"));
        md.AppendLine();
        md.AppendLine("Where the time goes: the staff API call itself (sent → response; the change is published to the feed when its transaction commits, before the response), and the dashboards by kind of event:");
        md.AppendLine();
        md.AppendLine("| clients | API approve p50 / p95 ms | API publish p50 / p95 ms | bare `POST /broadcast` p50 / p95 ms | dashboards, approve p50 / p95 ms | dashboards, publish p50 / p95 ms |");
        md.AppendLine("|--:|--:|--:|--:|--:|--:|");
        foreach (var l in Levels)
            md.AppendLine(Inv($"| {l.Clients} | {P5095(l.ApiApprove)} | {P5095(l.ApiPublish)} | {P5095(l.ApiBare)} | {P5095(l.PagesApprove)} | {P5095(l.PagesPublish)} |"));
        md.AppendLine();
        md.AppendLine("CPU per round side (other programs, % of the machine · the app, % of one core):");
        md.AppendLine();
        md.AppendLine("| clients | round | app side | bare side |");
        md.AppendLine("|--:|--:|--:|--:|");
        foreach (var level in s.ClientLevels)
            for (var r = 1; r <= s.Rounds; r++)
            {
                string Cell(string target) => CountedBlocks.FirstOrDefault(b => b.Level == level && b.Round == r && b.Target == target) is { } b
                    ? Inv($"{Pct(b.OthersCpuPercent)} · {Pct(b.AppCpuPercentOfOneCore)}{(b.Attempt > 1 ? Inv($" (attempt {b.Attempt})") : "")}") : "—";
                md.AppendLine(Inv($"| {level} | {r} | {Cell("app")} | {Cell("bare")} |"));
            }
        md.AppendLine();
        var discarded = Blocks.Where(b => b.Discarded).ToList();
        md.AppendLine(Inv($"- Other programs on the machine: {Pct(OthersCpuBeforePercent)} of its CPU just before the runs, at most {Pct(MaxOthersCpuPercent)} during a counted side{(discarded.Count > 0 ? Inv($"; {discarded.Count} side(s) repeated because others used more than {s.BusyThresholdPercent:0.#} %") : "")}"));
        if (MaxOthersCpuPercent > s.BusyThresholdPercent)
            md.AppendLine(Inv($"- **The machine was shared:** other programs used more than {s.BusyThresholdPercent:0.#} % of it during a counted side even after {s.Retries} repeat(s); treat the figures with care."));
        md.AppendLine(Inv($"- Command: `{Command}`"));
        md.AppendLine(Inv($"- Machine: {Machine}; the app, the bare hub, Chromium and the {string.Join(" / ", s.ClientLevels)} SignalR clients (in the benchmark process) share it (loopback)"));
        md.AppendLine(Inv($"- Browser: Chromium {BrowserVersion}, headless, one context per page, signed in as {string.Join(", ", PageUsers)}"));
        md.AppendLine(Inv($"- Hub clients: tokens of {string.Join(", ", EventToScreenBenchmark.HubUsers)} round-robin; connecting took {string.Join("; ", Connects.Select(c => Inv($"{c.Level}: {c.AppSeconds:0.0} s (app), {c.BareSeconds:0.0} s (bare)")))}"));
        md.AppendLine(Inv($"- Each app event: a statement titled with a unique marker is created and submitted (and approved, before a publication); once that is on every dashboard, {s.SettleMs} ms pause, then the measured call. Bare broadcasts are {s.SettleMs} ms apart."));
        md.AppendLine(Inv($"- App arguments: `{string.Join(' ', AppArguments)}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s"));
        foreach (var p in MeasurementProblems)
            md.AppendLine(Inv($"- **Measurement problem:** {Clip(p)}"));
        if (AppProblems.Count > 0)
            md.AppendLine(Inv($"- The app logged {AppProblems.Count} warning/error(s) (log `{AppLog}`): {string.Join("; ", LatenessReport.Summarize(AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        return md.ToString();

        void Row(int clients, string who, int events, int delivered, int expected, Distribution? d, Spread? rounds) =>
            md.AppendLine(Inv($"| {clients} | {who} | {events} | {(delivered == expected ? Inv($"{delivered}/{expected}") : Inv($"**{delivered}/{expected}**"))} | {Ms(d?.P50)} | {Ms(d?.P95)} | {Ms(d?.P99)} | {Ms(d?.Max)} | {(rounds is null ? "—" : Inv($"{Ms(rounds.Min)} / {Ms(rounds.Median)} / {Ms(rounds.Max)}"))} |"));
    }

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static string P5095(Distribution? d) => d is null ? "—" : Inv($"{Ms(d.P50)} / {Ms(d.P95)}");

    private static string Verdict(bool? met) => met switch { true => "PASS", false => "**MISS**", null => "n/a" };

    private static string Ms(double? v) => v is null ? "—" : v.Value.ToString(v.Value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string X(double? v) => v is null ? "n/a" : v.Value.ToString("0.0", CultureInfo.InvariantCulture) + "×";

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Clip(string s) => (s.Length > 300 ? s[..300] + "…" : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One client count's figures, pooled over its counted events; latencies in ms.</summary>
public sealed record EventLevelSummary(
    int Clients, int AppEvents, int BareEvents,
    Distribution? Pages, int PageDeliveries, int PageExpected,
    Distribution? AppClients, int AppDeliveries, int AppExpected,
    Distribution? BareClients, int BareDeliveries, int BareExpected,
    Distribution? PagesApprove, Distribution? PagesPublish,
    Distribution? ApiApprove, Distribution? ApiPublish, Distribution? ApiBare)
{
    /// <summary>p95 per round (min/median/max over rounds) for "pages", "appClients", "bareClients".</summary>
    public IReadOnlyDictionary<string, Spread?> RoundP95 { get; init; } = new Dictionary<string, Spread?>();
}
