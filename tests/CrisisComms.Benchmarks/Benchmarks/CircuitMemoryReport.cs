using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>The circuit-memory result as Markdown (stdout, .md) and JSON (.json, with every read).</summary>
public sealed record CircuitMemoryReport(
    string Path, DateTimeOffset StartedAt, MachineInfo Machine, string App, string BrowserVersion, string Template, CircuitMemorySettings Settings,
    IReadOnlyList<MemorySide> Sides, IReadOnlyList<MemoryRound> Rounds, double? OthersCpuBeforePercent,
    IReadOnlyList<string> AppArguments, IReadOnlyList<string> AppProblems, string AppLog, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Per-circuit KB over the rounds of one side: min, median, max.</summary>
    public Spread? Of(string side) => Spread.Of(Rounds.Where(r => r.Side == side).Select(r => r.PerCircuitKb));

    public double? AppKb => Of("app")?.Median;

    public double? CounterKb => Of("counter")?.Median;

    /// <summary>Dashboard ÷ Counter, medians.</summary>
    public double? RatioToCounter => AppKb is { } a && CounterKb is { } c && c > 0 ? a / c : null;

    /// <summary>Dashboard ÷ Microsoft's 250 KB.</summary>
    public double? RatioToMicrosoft => AppKb / CircuitMemoryBenchmark.MicrosoftHelloWorldKb;

    public bool TargetMet => AppKb <= CircuitMemoryBenchmark.TargetKb;

    public double? MaxOthersCpuPercent => Rounds.Max(r => r.OthersCpuPercent);

    /// <summary>
    /// Results that are noise rather than a measurement: a side whose memory per circuit came out at or below zero
    /// (the garbage collector freed more than the circuits took; more circuits or rounds are needed).
    /// </summary>
    public IReadOnlyList<string> MeasurementProblems =>
        [.. Sides.Where(s => Of(s.Key) is { Median: <= 0 }).Select(s => Inv($"{s.Name}: {Of(s.Key)!.Median:0} KB per circuit is noise, not a measurement; run with more --circuits or --rounds"))];

    /// <summary>
    /// The figure for the <c>all</c> summary: KB per circuit against the Counter template's (medians over the rounds;
    /// min / median / max per round, and the ratio round by round).
    /// </summary>
    public IReadOnlyList<Figure> Figures()
    {
        var ratios = Rounds.Where(r => r.Side == "app")
            .Select(a => (a, c: Rounds.FirstOrDefault(r => r.Side == "counter" && r.Round == a.Round)))
            .Where(p => p.c is { PerCircuitKb: > 0 })
            .Select(p => p.a.PerCircuitKb / p.c!.PerCircuitKb);
        return
        [
            new("circuit-memory", Inv($"managed memory per `{Path}` circuit"), "KB", AppKb, "Blazor template `/counter` circuit", CounterKb,
                Of("app"), Spread.Of(ratios),
                Inv($"≤ {CircuitMemoryBenchmark.TargetKb:0} KB ({CircuitMemoryBenchmark.TargetFactor:0.0}× Microsoft's figure)"),
                AppKb is null ? null : TargetMet,
                Inv($"Microsoft's Hello-World figure: ~{CircuitMemoryBenchmark.MicrosoftHelloWorldKb:0} KB")),
        ];
    }

    public string Command => "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- circuit-memory" + (Path == "/dashboard" ? "" : " --path " + Path) + (Settings.Quick ? " --quick" : "");

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "circuit-memory",
        date = StartedAt,
        path = Path,
        command = Command,
        machine = Machine,
        app = App,
        appArguments = AppArguments,
        template = Template,
        browser = $"Chromium {BrowserVersion} (headless, {Browser.ExecutablePath})",
        settings = Settings,
        target = new { microsoftHelloWorldKb = CircuitMemoryBenchmark.MicrosoftHelloWorldKb, atMostKb = CircuitMemoryBenchmark.TargetKb },
        result = new
        {
            dashboardKbPerCircuit = Of("app"),
            counterKbPerCircuit = Of("counter"),
            ratioToCounter = RatioToCounter,
            ratioToMicrosoft250Kb = RatioToMicrosoft,
            targetMet = TargetMet,
            measurementProblems = MeasurementProblems,
        },
        sides = Sides,
        otherProgramsCpuPercent = new { beforeRounds = OthersCpuBeforePercent, maxDuringRound = MaxOthersCpuPercent, threshold = Settings.BusyThresholdPercent },
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        rounds = Rounds.Select(r => new { r.Side, r.Round, r.Circuits, r.PerCircuitKb, r.FloorBytes, r.BeforeBytes, r.AfterBytes, r.BeforeReads, r.AfterReads, r.AppCircuits, r.OpenSeconds, r.OthersCpuPercent }),
        appProblems = AppProblems,
        appLog = AppLog,
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var s = Settings;
        md.AppendLine(Inv($"## Memory per {(Path == "/dashboard" ? "dashboard" : $"`{Path}`")} circuit — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"Managed memory (`GC.GetTotalMemory(forceFullCollection: true)`, the smallest of {s.Reads} reads) after opening {s.Circuits} pages in headless Chromium, each its own browser context and so its own circuit, minus the server's floor (the lowest before-reading of the run, warm-up rounds included, i.e. with only the warm-up page open), divided by {s.Circuits}. The app reports it through `GET /api/staff/v1/diagnostics?collect=true` and is checked to count every circuit connected; the Counter template through the one endpoint added to it. One warm-up page per server stays open throughout. {s.WarmupRounds} unmeasured warm-up round(s), then {s.Rounds} round(s) per server (wait {s.IdleSeconds} s, measure, open, wait until all are connected and {s.SettleSeconds} s more, measure, close all: each page first leaves for about:blank, as a closed tab does, so its circuit ends at once), the order alternating; medians over the rounds.{(s.Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| server | per circuit, KB (median) | min | max | rounds |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var side in Sides)
        {
            var spread = Of(side.Key);
            md.AppendLine(Inv($"| {side.Name} | {Kb(spread?.Median)} | {Kb(spread?.Min)} | {Kb(spread?.Max)} | {spread?.Count ?? 0} |"));
        }
        md.AppendLine(Inv($"| Microsoft's figure for a Hello-World circuit (reference) | ~{CircuitMemoryBenchmark.MicrosoftHelloWorldKb:0} | | | |"));
        md.AppendLine();
        md.AppendLine("| check | measured | target | result |");
        md.AppendLine("|---|--:|--:|---|");
        md.AppendLine(Inv($"| {(Path == "/dashboard" ? "dashboard" : $"`{Path}`")} circuit, KB | {Kb(AppKb)} KB ({X(RatioToMicrosoft)} of 250 KB) | ≤ {CircuitMemoryBenchmark.TargetKb:0} KB ({CircuitMemoryBenchmark.TargetFactor:0.0}× 250 KB) | {Verdict(TargetMet)} |"));
        // The issue's target is against Microsoft's published figure; the template measured here is the same-run baseline.
        md.AppendLine(Inv($"| {(Path == "/dashboard" ? "dashboard" : $"`{Path}`")} ÷ Counter template, measured in this run | {X(RatioToCounter)} | (baseline, no target) | |"));
        md.AppendLine();
        md.AppendLine("Per round (KB per circuit from the floor · managed MB: floor, this round's before → after · other programs' CPU):");
        md.AppendLine();
        md.AppendLine("| round | " + string.Join(" | ", Sides.Select(x => x.Name)) + " |");
        md.AppendLine("|--:|" + string.Concat(Sides.Select(_ => "--:|")));
        for (var round = 1; round <= s.Rounds; round++)
        {
            var inRound = Rounds.Where(r => r.Round == round).ToList();
            md.AppendLine(Inv($"| {round} | ") + string.Join(" | ", Sides.Select(side =>
                inRound.FirstOrDefault(r => r.Side == side.Key) is { } r
                    ? Inv($"{r.PerCircuitKb:0} · {(r.FloorBytes ?? r.BeforeBytes) / 1048576.0:0.0}, {r.BeforeBytes / 1048576.0:0.0} → {r.AfterBytes / 1048576.0:0.0} · {Pct(r.OthersCpuPercent)}")
                    : "—")) + " |");
        }
        md.AppendLine();
        md.AppendLine(Inv($"- Other programs on the machine: {Pct(OthersCpuBeforePercent)} of its CPU just before the rounds, at most {Pct(MaxOthersCpuPercent)} during one (memory after a full GC hardly depends on it; noted for completeness)"));
        md.AppendLine(Inv($"- Command: `{Command}`"));
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- Browser: Chromium {BrowserVersion}, headless, one context per page"));
        foreach (var side in Sides)
            md.AppendLine(Inv($"- {side.Name}: {side.Description}"));
        md.AppendLine(Inv($"- App: {App}; arguments `{string.Join(' ', AppArguments)}`"));
        md.AppendLine(Inv($"- Counter template: {Template}"));
        var appRounds = Rounds.Where(r => r.Side == "app" && r.AppCircuits is not null).ToList();
        if (appRounds.Count > 0)
            md.AppendLine(Inv($"- The app's circuit count when measured (warm-up page included): {string.Join(", ", appRounds.Select(r => Inv($"round {r.Round}: open {r.AppCircuits!.Open}, connected {r.AppCircuits.Connected}")))}"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s"));
        foreach (var p in MeasurementProblems)
            md.AppendLine(Inv($"- **Measurement problem:** {p}"));
        if (AppProblems.Count > 0)
            md.AppendLine(Inv($"- The app logged {AppProblems.Count} warning/error(s) (log `{AppLog}`): {string.Join("; ", LatenessReport.Summarize(AppProblems).Take(5).Select(p => $"{p.Count}× `{Clip(p.Example)}`"))}"));
        return md.ToString();
    }

    private static string Kb(double? v) => v is null ? "—" : v.Value.ToString("0", CultureInfo.InvariantCulture);

    private static string Verdict(bool met) => met ? "PASS" : "**MISS**";

    private static string X(double? v) => v is null ? "n/a" : v.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Clip(string s) => (s.Length > 200 ? s[..200] + "…" : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
