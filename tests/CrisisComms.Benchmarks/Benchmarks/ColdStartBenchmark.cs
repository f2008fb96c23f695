using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Cold start: from starting <c>dotnet CrisisComms.Web.dll</c> (Release build, Production, embedded defaults, a new
/// empty data folder) to the first 200 on <c>/</c>, polled every 10 ms. That includes the runtime starting, building
/// the host, creating the SQLite database and applying every migration, sealing the audit chain and seeding the roles,
/// Kestrel starting, and the first request to the status page (routing, output-cache miss, the database query, the
/// first render, JIT of all of it). Baseline in the same run: a bare Kestrel serving one static file (the
/// <c>static-server</c> subcommand, its own process, Server GC like the app), timed the same way. Starts alternate
/// between the two; min / median / max over the starts.
/// </summary>
public sealed class ColdStartBenchmark : IBenchmark
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    public string Name => "cold-start";

    public string Summary => "process start → first 200 on / with an empty data folder, vs a bare Kestrel static-file server";

    public string Options => """
          --runs <n>            measured starts per side, alternating which goes first (default 5; --quick: 1)
          --warmup <n>          unmeasured starts per side first, so the OS has the files cached (default 1)
          --app <path>          the app's CrisisComms.Web.dll (default: src/CrisisComms.Web's build in this program's configuration, Release with -c Release)
          --quick               harness check: 1 warm-up and 1 measured start per side
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var runs = args.Int("runs", quick ? 1 : 5, 1, 100);
        var warmup = args.Int("warmup", 1, 0, 20);
        var dll = RepoPaths.FindAppDll(context.RepoRoot, args.String("app"));
        args.EnsureAllUsed();

        var startedAt = context.Time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine(context.ResultsDirectory, $"cold-start-{stamp}");
        var stopwatch = Stopwatch.StartNew();
        var log = (string what) => Console.Error.WriteLine($"[cold-start] {what}");
        log($"app {dll}; {warmup} warm-up and {runs} measured start(s) per side");

        var folder = Directory.CreateTempSubdirectory("crisiscomms-bench-cold-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "index.html"), "<!doctype html><html lang=\"en\"><title>Status</title><h1>All systems operational</h1></html>\n", ct);
            var starts = new List<ColdStart>();
            for (var i = 1 - warmup; i <= runs; i++)
            {
                string[] order = i % 2 == 0 ? ["static", "app"] : ["app", "static"];
                foreach (var side in order)
                {
                    var ms = side == "app"
                        ? await StartAppAsync(dll, basePath + ".app.log", ct)
                        : await StartStaticAsync(folder, basePath + ".static.log", ct);
                    starts.Add(new ColdStart(side, i <= 0 ? 0 : i, ms));
                    log(Inv($"{(i <= 0 ? "warm-up" : $"start {i}/{runs}")} {(side == "app" ? "app" : "static-file server")}: first 200 on / after {ms:0} ms"));
                }
            }

            var report = new ColdStartReport(startedAt, MachineInfo.Current(), dll, quick, runs, warmup, starts, stopwatch.Elapsed);
            var markdown = report.ToMarkdown();
            Console.WriteLine(markdown);
            await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
            await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
            Console.Error.WriteLine($"Wrote {basePath}.md and .json (the last start's server logs beside them).");
            return BenchmarkResult.Of(report.Figures(), basePath + ".md", []);
        }
        finally
        {
            ServerProcess.TryDeleteDirectory(folder);
        }
    }

    /// <summary>The app on its embedded defaults (Production, no settings but the port and a new data folder); ms to the first 200 on /.</summary>
    private static async Task<double> StartAppAsync(string dll, string logPath, CancellationToken ct)
    {
        await using var app = await AppProcess.StartAsync(dll, "Production", [], logPath, TimeSpan.FromSeconds(120), ct, readyPath: "", pollInterval: Poll);
        return app.ReadyAfter.TotalMilliseconds;
    }

    private static async Task<double> StartStaticAsync(string folder, string logPath, CancellationToken ct)
    {
        await using var server = await StaticFileServer.StartAsync(folder, ServerProcess.FreeLoopbackUrl(), logPath, ct, Poll);
        return server.ReadyAfter.TotalMilliseconds;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One start: "app" or "static"; run 0 is a warm-up.</summary>
public sealed record ColdStart(string Side, int Run, double Milliseconds);

/// <summary>The cold-start result as Markdown (stdout, .md) and JSON (.json).</summary>
public sealed record ColdStartReport(DateTimeOffset StartedAt, MachineInfo Machine, string AppDll, bool Quick, int Runs, int Warmup, IReadOnlyList<ColdStart> Starts, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Spread? Of(string side) => Spread.Of(Starts.Where(s => s.Side == side && s.Run > 0).Select(s => s.Milliseconds));

    public string Command => "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- cold-start" + (Quick ? " --quick" : "");

    public IReadOnlyList<Figure> Figures()
    {
        var ratios = Starts.Where(s => s.Side == "app" && s.Run > 0)
            .Select(a => (a, s: Starts.FirstOrDefault(s => s.Side == "static" && s.Run == a.Run)))
            .Where(p => p.s is { Milliseconds: > 0 })
            .Select(p => p.a.Milliseconds / p.s!.Milliseconds);
        return
        [
            new("cold-start", "process start → first 200 on `/`, empty data folder", "ms", Of("app")?.Median,
                "bare Kestrel static-file server", Of("static")?.Median, Of("app"), Spread.Of(ratios),
                Note: "includes creating the database, every migration and the first render"),
        ];
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "cold-start",
        date = StartedAt,
        command = Command,
        machine = Machine,
        app = AppDll,
        pollIntervalMs = ColdStartBenchmark.Poll.TotalMilliseconds,
        runs = Runs,
        warmup = Warmup,
        appMs = Of("app"),
        staticMs = Of("static"),
        ratioAppOverStatic = Of("app")?.Median / Of("static")?.Median,
        starts = Starts,
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## Cold start — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"From starting the process to the first 200 on `/` (polled every {ColdStartBenchmark.Poll.TotalMilliseconds:0} ms). The app: `dotnet CrisisComms.Web.dll`, Release build, Production, embedded defaults (only the port and a new empty data folder given), so this includes creating the SQLite database, applying every migration, sealing the audit chain, seeding the roles, starting Kestrel and Hangfire, and the first request to the status page (routing, output-cache miss, the database query, first render, JIT). Baseline: a bare Kestrel serving one static file (`static-server`, own process, Server GC), timed the same way. {Warmup} unmeasured start(s) per side first (so the OS has the files cached: this is a restart, not a first boot after a deployment), then {Runs} per side, alternating which goes first.{(Quick ? " **Quick mode (harness check).**" : "")}"));
        md.AppendLine();
        md.AppendLine("| server | median | min | max | starts |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var (side, name) in new[] { ("app", "CrisisComms `/`, empty data folder"), ("static", "bare Kestrel static file (baseline)") })
        {
            var s = Of(side);
            md.AppendLine(Inv($"| {name} | {Ms(s?.Median)} | {Ms(s?.Min)} | {Ms(s?.Max)} | {s?.Count ?? 0} |"));
        }
        md.AppendLine(Inv($"| **ratio app ÷ baseline (medians)** | **{Figure.FormatRatio(Of("app")?.Median / Of("static")?.Median)}** | | | |"));
        md.AppendLine();
        md.AppendLine("Every start: " + string.Join(", ", Starts.Select(s => Inv($"{s.Side}{(s.Run == 0 ? " (warm-up)" : "")} {s.Milliseconds:0} ms"))));
        md.AppendLine();
        md.AppendLine(Inv($"- Command: `{Command}`"));
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- App: `{AppDll}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s"));
        return md.ToString();
    }

    private static string Ms(double? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) + " ms" : "—";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
