using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Managed memory per connected dashboard circuit: N signed-in <c>/dashboard</c> pages open in Chromium (each its own
/// context and circuit), managed bytes after a full GC (<c>GC.GetTotalMemory(true)</c>, from the admin diagnostics)
/// before and after, divided by N — against the same measurement of the Blazor Web App template's Counter page
/// (<c>dotnet new blazor --interactivity Server</c>, published, with only a <c>/gc</c> endpoint added), in the same run.
/// Reported against Microsoft's ~250 KB per Hello-World circuit; target ≤ 1.5× that (375 KB).
/// </summary>
public sealed class CircuitMemoryBenchmark : IBenchmark
{
    public const double MicrosoftHelloWorldKb = 250;
    public const double TargetFactor = 1.5;
    public const double TargetKb = MicrosoftHelloWorldKb * TargetFactor;
    public const string TemplateName = "CounterBaseline";

    /// <summary>The dashboards' users, round-robin (every role).</summary>
    public static readonly string[] Users = ["author@demo.local", "reviewer@demo.local", "approver@demo.local", "admin@demo.local"];

    /// <summary>The one line added to the template's Program.cs, before <c>app.Run();</c>.</summary>
    public const string GcEndpoint = "app.MapGet(\"/gc\", () => GC.GetTotalMemory(true));";

    public string Name => "circuit-memory";

    public string Summary => "managed memory per connected /dashboard circuit (N Chromium pages) vs the Blazor template's Counter page, against Microsoft's ~250 KB";

    public string Options => """
          --app <path>          a published CrisisComms.Web.dll (default: dotnet publish -c Release into a temporary folder)
          --path <path>         the staff page measured (default /dashboard; e.g. /dashboard/profile for the staff shell alone)
          --circuits <n>        pages opened per round (default 20; --quick: 5)
          --rounds <n>          rounds per side: open N, measure, close them all; sides alternate first (default 3; --quick: 1)
          --warmup-rounds <n>   unmeasured rounds first, so that pools and caches have grown to N open pages (default 1; --quick: 0)
          --reads <n>           managed-memory reads (each after a full GC) before and after; the smallest counts (default 3)
          --settle <s>          pause after the last circuit connected, before reading (default 3)
          --idle <s>            pause before each round's "before" reads, so that memory freed over time after the previous
                                round's pages closed (connection buffers, pooled blocks) is gone (default 15; --quick: 2)
          --hold <s>            investigation: keep the app's pages open this long after each app round's reads, so a heap
                                snapshot can be taken (dotnet-gcdump collect -p <app pid>) (default 0)
          --busy <pct>          a round during which other programs used more than this share of the machine is noted (default 10)
          --quick               harness check: 5 circuits, 1 round
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var settings = new CircuitMemorySettings(
            Circuits: args.Int("circuits", quick ? 5 : 20, 1, 500),
            Rounds: args.Int("rounds", quick ? 1 : 3, 1, 50),
            WarmupRounds: args.Int("warmup-rounds", quick ? 0 : 1, 0, 10),
            Reads: args.Int("reads", 3, 1, 20),
            SettleSeconds: args.Int("settle", 3, 0, 600),
            IdleSeconds: args.Int("idle", quick ? 2 : 15, 0, 600),
            HoldSeconds: args.Int("hold", 0, 0, 3600),
            BusyThresholdPercent: args.Double("busy", 10, 0, 100),
            Quick: quick);
        var appOption = args.String("app");
        var path = args.String("path") ?? "/dashboard";
        if (!path.StartsWith("/dashboard", StringComparison.Ordinal)) throw new UsageException("--path must be a staff page (under /dashboard).");
        args.EnsureAllUsed();

        var time = context.Time;
        var startedAt = time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var stopwatch = Stopwatch.StartNew();
        var log = (string what) => Console.Error.WriteLine($"[circuit-memory] {what}");

        // 1. The two servers, both published in Release and run in Production as their own process.
        log("publishing the app (Release)…");
        using var published = await PublishedApp.PublishAsync(
            Path.Combine(context.RepoRoot, "src", "CrisisComms.Web", "CrisisComms.Web.csproj"), "CrisisComms.Web", appOption, ct);
        var work = Directory.CreateTempSubdirectory("crisiscomms-bench-counter-").FullName;
        try
        {
            log("generating the Blazor template (dotnet new blazor --interactivity Server) and publishing it…");
            var template = await CreateTemplateAsync(work, ct);
            using var counterPublished = await PublishedApp.PublishAsync(template.Project, TemplateName, null, ct);

            string[] appSettings = ["Seed:DemoData=true", "Auth:LoginRateLimit:PermitLimit=1000"];
            var appLog = Path.Combine(context.ResultsDirectory, $"circuit-memory-{stamp}.app.log");
            await using var app = await AppProcess.StartAsync(published.Dll, "Production", appSettings, appLog, TimeSpan.FromSeconds(90), ct);
            log($"app ready at {app.BaseAddress} (pid {app.ProcessId})");
            using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
            var admin = await StaffApi.SignInAsync(http, "admin@demo.local", StaffApi.DemoPassword, ct);

            var counterUrl = ServerProcess.FreeLoopbackUrl();
            var counterLog = Path.Combine(context.ResultsDirectory, $"circuit-memory-{stamp}.counter.log");
            await using var counter = await ServerProcess.StartAsync(new ServerProcess.StartInfo("the Counter template", "dotnet",
                [counterPublished.Dll, "--urls", counterUrl.ToString().TrimEnd('/'), "--contentRoot", Path.GetDirectoryName(counterPublished.Dll)!],
                counterUrl, counterLog, ReadyPath: "", TimeSpan.FromSeconds(60))
            {
                Environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            }, ct);
            log($"Counter template ready at {counterUrl} (pid {counter.ProcessId})");
            using var counterHttp = new HttpClient { BaseAddress = counterUrl, Timeout = TimeSpan.FromSeconds(120) };

            await using var browser = await Browser.LaunchAsync(ct);
            var sides = new Dictionary<string, Side>
            {
                ["app"] = new Side(
                    "app", $"CrisisComms `{path}`", $"signed in (author, reviewer, approver, admin in turn), {(path == "/dashboard" ? "live dashboard" : path)} with demo data",
                    Open: async n =>
                    {
                        var page = await browser.NewPageAsync(app.BaseAddress);
                        await Browser.SignInAsync(page, Users[n % Users.Length], StaffApi.DemoPassword, path);
                        await Browser.WaitForCircuitAsync(page);
                        if (path == "/dashboard") await page.GetByTestId("dash-activity").WaitForAsync();
                        return page;
                    },
                    ReadBytes: async () => (await admin.DiagnosticsAsync(collect: true, ct)).ManagedBytes,
                    Circuits: async () => (await admin.DiagnosticsAsync(collect: false, ct)).Circuits),
                ["counter"] = new Side(
                    "counter", "Blazor template `/counter`", "`dotnet new blazor --interactivity Server`, Release, published; each page clicked once (\"Current count: 1\")",
                    Open: async _ =>
                    {
                        var page = await browser.NewPageAsync(counterUrl);
                        await page.GotoAsync("counter");
                        await ClickUntilCountedAsync(page, time, ct);
                        return page;
                    },
                    ReadBytes: async () => await counterHttp.GetFromJsonAsync<long>("gc", ct),
                    Circuits: null),
            };

            // 2. Warm-up: one page per side stays open all along, so JIT, caches and first-use statics are in every "before".
            var warm = new List<IPage>();
            foreach (var side in sides.Values)
            {
                warm.Add(await side.Open(0));
                if (side.Circuits is not null) await WaitForCircuitsAsync(side, 1, time, ct);
            }
            log("one warm-up page per side open");
            var idleStart = CpuSample.Take();
            await Pause.ForAsync(TimeSpan.FromSeconds(2), time, ct);
            var othersBefore = CpuSample.OthersPercent(idleStart, CpuSample.Take());
            log($"other programs used {Pct(othersBefore)} of the machine in the 2 s before the rounds");

            // 3. Rounds: before (min of reads) → open N → all connected → settle → after (min of reads) → close all.
            // Warm-up rounds (numbered 0 and below) go through the same steps unmeasured: the first time N pages are open
            // the server's buffer pools and caches grow, and that growth is not memory per circuit.
            var rounds = new List<MemoryRound>();
            var floors = new Dictionary<string, long>();
            for (var round = 1 - settings.WarmupRounds; round <= settings.Rounds; round++)
            {
                string[] order = round % 2 == 1 ? ["app", "counter"] : ["counter", "app"];
                foreach (var key in order)
                {
                    var side = sides[key];
                    if (settings.IdleSeconds > 0) await Pause.ForAsync(TimeSpan.FromSeconds(settings.IdleSeconds), time, ct);
                    var start = CpuSample.Take();
                    var before = await MinReadAsync(side, settings.Reads);
                    var opened = Stopwatch.StartNew();
                    var pages = new List<IPage>();
                    try
                    {
                        for (var i = 0; i < settings.Circuits; i++) pages.Add(await side.Open(i + 1));
                        var openSeconds = opened.Elapsed.TotalSeconds;
                        CircuitCounts? counts = null;
                        if (side.Circuits is not null) counts = await WaitForCircuitsAsync(side, 1 + settings.Circuits, time, ct);
                        if (settings.SettleSeconds > 0) await Pause.ForAsync(TimeSpan.FromSeconds(settings.SettleSeconds), time, ct);
                        var after = await MinReadAsync(side, settings.Reads);
                        var end = CpuSample.Take();
                        var r = new MemoryRound(key, round, settings.Circuits, before.Min, before.All, after.Min, after.All, counts, openSeconds, CpuSample.OthersPercent(start, end));
                        floors[key] = Math.Min(floors.GetValueOrDefault(key, long.MaxValue), before.Min);
                        if (round >= 1) rounds.Add(r);
                        log(Inv($"{(round >= 1 ? $"round {round}/{settings.Rounds}" : "warm-up round (not counted)")} {side.Name}: {r.PerCircuitKb:0} KB per circuit from this round's before ({before.Min / 1048576.0:0.0} → {after.Min / 1048576.0:0.0} MB for {settings.Circuits}){(counts is null ? "" : Inv($", circuits open {counts.Open} / connected {counts.Connected}"))}, other programs {Pct(r.OthersCpuPercent)}"));
                        if (settings.HoldSeconds > 0 && key == "app")
                        {
                            log(Inv($"holding {settings.Circuits} + 1 pages open for {settings.HoldSeconds} s (app pid {app.ProcessId})"));
                            await Pause.ForAsync(TimeSpan.FromSeconds(settings.HoldSeconds), time, ct);
                        }
                    }
                    finally
                    {
                        foreach (var p in pages) await Browser.CloseAsync(p);
                    }
                    if (side.Circuits is not null) await WaitForCircuitsClosedAsync(side, 1, time, ct);
                }
            }
            foreach (var p in warm) await Browser.CloseAsync(p);
            rounds = [.. rounds.Select(r => r with { FloorBytes = floors[r.Side] })];

            var report = new CircuitMemoryReport(
                path, startedAt, MachineInfo.Current(), published.How, browser.Version, template.Description, settings,
                [.. sides.Values.Select(s => new MemorySide(s.Key, s.Name, s.Description))], rounds, othersBefore,
                app.ReportedArguments,
                app.Problems, Path.GetFileName(appLog), stopwatch.Elapsed);
            var markdown = report.ToMarkdown();
            Console.WriteLine(markdown);
            var basePath = Path.Combine(context.ResultsDirectory, $"circuit-memory-{stamp}");
            await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
            await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
            Console.Error.WriteLine($"Wrote {basePath}.md and .json (server logs beside them).");
            return BenchmarkResult.Of(report.Figures(), basePath + ".md", report.MeasurementProblems);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { Console.Error.WriteLine($"Could not delete {work}; remove it by hand."); }
        }
    }

    private sealed record Side(
        string Key, string Name, string Description, Func<int, Task<IPage>> Open, Func<Task<long>> ReadBytes, Func<Task<CircuitCounts>>? Circuits);

    private static async Task<(long Min, IReadOnlyList<long> All)> MinReadAsync(Side side, int reads)
    {
        var all = new List<long>();
        for (var i = 0; i < reads; i++) all.Add(await side.ReadBytes());
        return (all.Min(), all);
    }

    /// <summary>Waits (60 s at most) until the app counts at least <paramref name="n"/> connected circuits.</summary>
    private static async Task<CircuitCounts> WaitForCircuitsAsync(Side side, int n, TimeProvider time, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var counts = await side.Circuits!();
            if (counts.Connected >= n) return counts;
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new InvalidOperationException($"{side.Name}: only {counts.Connected} of {n} circuits connected after 60 s (open {counts.Open}).");
            await Pause.ForAsync(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    /// <summary>Waits (30 s at most) until closed pages' circuits are gone, so the next "before" does not count them; a warning when they linger.</summary>
    private static async Task WaitForCircuitsClosedAsync(Side side, int n, TimeProvider time, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var counts = await side.Circuits!();
            if (counts.Open <= n) return;
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.Error.WriteLine($"[circuit-memory] {side.Name}: {counts.Open} circuits still open 30 s after the pages closed (connected {counts.Connected}); the next round's \"before\" includes them.");
                return;
            }
            await Pause.ForAsync(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    /// <summary>
    /// The Counter page is prerendered; its button only counts once the circuit is up. Click until the status says
    /// "Current count: 1" — the proof this page's circuit is connected and handling events.
    /// </summary>
    private static async Task ClickUntilCountedAsync(IPage page, TimeProvider time, CancellationToken ct)
    {
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Click me" });
        var status = page.GetByRole(AriaRole.Status);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await button.ClickAsync();
            try
            {
                await status.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("Current count: [1-9]") })
                    .WaitForAsync(new LocatorWaitForOptions { Timeout = 1000 });
                return;
            }
            catch (TimeoutException) { }
            await Pause.ForAsync(TimeSpan.FromMilliseconds(100), time, ct);
        }
        throw new InvalidOperationException("The Counter page never counted a click within 60 s: its circuit did not start.");
    }

    private sealed record Template(string Project, string Description);

    /// <summary><c>dotnet new blazor --interactivity Server</c> into <paramref name="work"/>, plus the /gc endpoint.</summary>
    private static async Task<Template> CreateTemplateAsync(string work, CancellationToken ct)
    {
        var folder = Path.Combine(work, TemplateName);
        string[] newArgs = ["new", "blazor", "--interactivity", "Server", "--empty", "false", "-n", TemplateName, "-o", folder];
        var (code, output) = await Wrk.RunToEndAsync("dotnet", newArgs, ct);
        var program = Path.Combine(folder, "Program.cs");
        if (code != 0 || !File.Exists(program))
            throw new InvalidOperationException($"dotnet {string.Join(' ', newArgs)} failed (exit code {code}):\n{output}");
        if (!File.Exists(Path.Combine(folder, "Components", "Pages", "Counter.razor")))
            throw new InvalidOperationException("The template has no Components/Pages/Counter.razor; the benchmark needs its Counter page.");
        var text = await File.ReadAllTextAsync(program, ct);
        const string run = "app.Run();";
        var at = text.LastIndexOf(run, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("The template's Program.cs has no \"app.Run();\" to add the /gc endpoint before.");
        await File.WriteAllTextAsync(program, text[..at] + GcEndpoint + "\n\n" + text[at..], ct);
        var (_, version) = await Wrk.RunToEndAsync("dotnet", ["--version"], ct);
        return new Template(Path.Combine(folder, TemplateName + ".csproj"),
            $"`dotnet {string.Join(' ', newArgs[..6])}` (SDK {version.Trim()}), with `{GcEndpoint}` added; published in Release, Production");
    }

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

public sealed record CircuitMemorySettings(int Circuits, int Rounds, int WarmupRounds, int Reads, int SettleSeconds, int IdleSeconds, int HoldSeconds, double BusyThresholdPercent, bool Quick);

/// <summary>A server measured: app or counter.</summary>
public sealed record MemorySide(string Key, string Name, string Description);

/// <summary>
/// One round on one side: managed bytes (after a full GC; the smallest of the reads) before and after opening
/// <see cref="Circuits"/> pages, and what the app's diagnostics said about its circuits then.
/// </summary>
public sealed record MemoryRound(
    string Side, int Round, int Circuits, long BeforeBytes, IReadOnlyList<long> BeforeReads, long AfterBytes, IReadOnlyList<long> AfterReads,
    CircuitCounts? AppCircuits, double OpenSeconds, double? OthersCpuPercent, long? FloorBytes = null)
{
    /// <summary>
    /// After minus the side's floor (its lowest "before" in the run, warm-up rounds included) per circuit. A "before"
    /// read soon after the previous round's pages closed can still hold memory that is freed later (pooled connection
    /// buffers); measured from the floor, that memory counts against the circuits, so the figure errs high, not low.
    /// </summary>
    public double PerCircuitKb => (AfterBytes - (FloorBytes ?? BeforeBytes)) / 1024.0 / Circuits;
}
