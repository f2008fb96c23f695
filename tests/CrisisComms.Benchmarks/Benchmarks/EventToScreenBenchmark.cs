using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Playwright;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Event to screen: the time from a decision (approve) or a publication, sent through the staff API, to the change
/// being in the DOM of 5 real dashboards (Chromium, each its own signed-in circuit, a MutationObserver per page) and
/// in the hands of 200 and then 1,000 SignalR clients of the change feed (/hubs/changes) — against a bare SignalR
/// broadcast to the same number of clients (a hub with nothing else, <c>POST /broadcast</c>), measured in the same run.
/// Targets: p95 ≤ 250 ms (Microsoft's guidance for Blazor Server UI latency), p99 ≤ 500 ms.
/// </summary>
public sealed class EventToScreenBenchmark : IBenchmark
{
    public const string Incident = PublishLatenessBenchmark.Incident;
    public const double TargetP95Ms = 250;
    public const double TargetP99Ms = 500;

    /// <summary>Who the browser pages are signed in as: every role, an admin twice (admins also get account activity).</summary>
    public static readonly string[] PageUsers = ["admin@demo.local", "author@demo.local", "reviewer@demo.local", "approver@demo.local", "admin@demo.local"];

    /// <summary>The hub clients' tokens, round-robin: one per staff role.</summary>
    public static readonly string[] HubUsers = ["author@demo.local", "reviewer@demo.local", "approver@demo.local", "admin@demo.local"];

    /// <summary>
    /// Installed in every page before its own scripts: <c>__e2s.watch(key, selector, marker)</c> arms a watch that records
    /// <c>Date.now()</c> the first time an element matching the selector contains the marker text (checked on every DOM
    /// mutation batch, i.e. right after Blazor applied a render); <c>__e2s.seen[key]</c> holds that time.
    /// </summary>
    public const string ObserverScript = """
        (() => {
          if (window.__e2s) return;
          const state = { watches: [], seen: {} };
          window.__e2s = state;
          const check = () => {
            if (state.watches.length === 0) return;
            const now = Date.now();
            const waiting = [];
            for (const w of state.watches) {
              let found = false;
              for (const el of document.querySelectorAll(w.selector)) {
                if (el.textContent && el.textContent.includes(w.marker)) { found = true; break; }
              }
              if (found) state.seen[w.key] = now; else waiting.push(w);
            }
            state.watches = waiting;
          };
          state.watch = (key, selector, marker) => {
            state.watches.push({ key, selector, marker });
            check();
            return state.seen[key] ?? null;
          };
          new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
        })();
        """;

    public string Name => "event-to-screen";

    public string Summary => "approve/publish → visible on 5 Chromium dashboards and on 200/1,000 /hubs/changes clients, vs a bare SignalR broadcast";

    public string Options => """
          --app <path>          a published CrisisComms.Web.dll (default: dotnet publish -c Release into a temporary folder)
          --clients <list>      SignalR client counts, comma-separated; 0 = browser pages only, no bare run (default 200,1000; --quick: 200)
          --pages <n>           browser dashboards open throughout (default 5)
          --rounds <n>          rounds per client count, app and bare alternating first (default 4; --quick: 1)
          --events <n>          events per round per side, approve and publish alternating (default 10; --quick: 5)
          --warmup <n>          unmeasured events per side before each client count's rounds (default 2)
          --settle <ms>         pause after an event's preparation is on every page, and between bare broadcasts (default 1000)
          --timeout <s>         how long one event may take to reach everyone (default 15)
          --busy <pct>          a round side during which other programs used more than this share of the machine is run
                                again (default 10)
          --retries <n>         how many times at most (default 2); the last attempt counts either way
          --quick               harness check: 200 clients, 1 round of 5 events
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var levels = ParseLevels(args.String("clients") ?? (quick ? "200" : "200,1000"));
        var settings = new EventToScreenSettings(
            ClientLevels: levels,
            Pages: args.Int("pages", 5, 1, 50),
            Rounds: args.Int("rounds", quick ? 1 : 4, 1, 100),
            EventsPerRound: args.Int("events", quick ? 5 : 10, 1, 1000),
            WarmupEvents: args.Int("warmup", 2, 0, 100),
            SettleMs: args.Int("settle", 1000, 0, 60_000),
            TimeoutSeconds: args.Int("timeout", 15, 1, 600),
            BusyThresholdPercent: args.Double("busy", 10, 0, 100),
            Retries: args.Int("retries", 2, 0, 20),
            Quick: quick);
        var appOption = args.String("app");
        args.EnsureAllUsed();

        var time = context.Time;
        var startedAt = time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var stopwatch = Stopwatch.StartNew();
        var log = (string what) => Console.Error.WriteLine($"[event-to-screen] {what}");
        var tag = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);

        // 1. The app as deployed (published: a browser needs its static web assets), with demo data; the staff API
        //    users who cause the events.
        log("publishing the app (Release)…");
        using var published = await PublishedApp.PublishAsync(
            Path.Combine(context.RepoRoot, "src", "CrisisComms.Web", "CrisisComms.Web.csproj"), "CrisisComms.Web", appOption, ct);
        var dll = published.Dll;
        string[] appSettings = ["Seed:DemoData=true", "Auth:LoginRateLimit:PermitLimit=1000"];
        var appLog = Path.Combine(context.ResultsDirectory, $"event-to-screen-{stamp}.app.log");
        await using var app = await AppProcess.StartAsync(dll, "Production", appSettings, appLog, TimeSpan.FromSeconds(90), ct);
        log($"app ready at {app.BaseAddress} (pid {app.ProcessId})");
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var author = await StaffApi.SignInAsync(http, "author@demo.local", StaffApi.DemoPassword, ct);
        var reviewer = await StaffApi.SignInAsync(http, "reviewer@demo.local", StaffApi.DemoPassword, ct);
        var hubTokens = new List<string>();
        foreach (var user in HubUsers)
            hubTokens.Add((await StaffApi.SignInAsync(http, user, StaffApi.DemoPassword, ct)).AccessToken);

        // 2. The bare hub, its own process, Server GC as the app.
        var bareUrl = ServerProcess.FreeLoopbackUrl();
        var bareLog = Path.Combine(context.ResultsDirectory, $"event-to-screen-{stamp}.bare-hub.log");
        ServerProcess? bare = null;
        if (levels.Any(l => l > 0))
        {
            bare = await ServerProcess.StartAsync(new ServerProcess.StartInfo("the bare hub", "dotnet", BareHubServer.Arguments(bareUrl),
                bareUrl, bareLog, ReadyPath: "", TimeSpan.FromSeconds(60))
            {
                Environment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" }, // as the app (Web SDK default)
            }, ct);
            log($"bare hub ready at {bareUrl} (pid {bare.ProcessId})");
        }
        using var bareHttp = new HttpClient { BaseAddress = bareUrl, Timeout = TimeSpan.FromSeconds(60) };

        try
        {
            // 3. The dashboards: one context (one circuit) per page, each with the observer installed before Blazor starts.
            await using var browser = await Browser.LaunchAsync(ct);
            var pages = new List<IPage>();
            for (var i = 0; i < settings.Pages; i++)
            {
                var page = await browser.NewPageAsync(app.BaseAddress, ObserverScript);
                await Browser.SignInAsync(page, PageUsers[i % PageUsers.Length], StaffApi.DemoPassword, "/dashboard");
                await Browser.WaitForCircuitAsync(page);
                await page.GetByTestId("dash-activity").WaitForAsync();
                pages.Add(page);
            }
            log($"{pages.Count} dashboards open in Chromium {browser.Version} ({string.Join(", ", pages.Select((_, i) => PageUsers[i % PageUsers.Length]))})");

            var run = new Runner(settings, author, reviewer, pages, bareHttp, tag, time);
            var events = new List<EventSample>();
            var blocks = new List<EventBlock>();
            var connects = new List<ClientConnect>();
            var idleStart = CpuSample.Take();
            await Pause.ForAsync(TimeSpan.FromSeconds(2), time, ct);
            var othersBefore = CpuSample.OthersPercent(idleStart, CpuSample.Take());
            log($"other programs used {Pct(othersBefore)} of the machine in the 2 s before the runs");

            foreach (var level in levels)
            {
                ChangeClients? appClients = null, bareClients = null;
                try
                {
                    if (level > 0)
                    {
                        var watch = Stopwatch.StartNew();
                        appClients = await ChangeClients.ConnectAsync("app", new Uri(app.BaseAddress, "hubs/changes"), level, hubTokens, 16, ct);
                        var appSeconds = watch.Elapsed.TotalSeconds;
                        watch.Restart();
                        bareClients = await ChangeClients.ConnectAsync("bare", new Uri(bareUrl, BareHubServer.HubPath.TrimStart('/')), level, [], 16, ct);
                        connects.Add(new ClientConnect(level, appSeconds, watch.Elapsed.TotalSeconds));
                        log($"{level} clients connected to /hubs/changes in {appSeconds:0.0} s and to the bare hub in {watch.Elapsed.TotalSeconds:0.0} s");
                    }

                    // Warm-up: a few unmeasured events per side, so the first measured one does not pay for JIT or caches.
                    for (var w = 0; w < settings.WarmupEvents; w++)
                    {
                        events.Add(await run.AppEventAsync(level, 0, 1, appClients, ct));
                        if (bareClients is not null) events.Add(await run.BareEventAsync(level, 0, 1, bareClients, ct));
                    }

                    for (var round = 1; round <= settings.Rounds; round++)
                    {
                        string[] sides = bareClients is null ? ["app"] : round % 2 == 1 ? ["app", "bare"] : ["bare", "app"];
                        foreach (var side in sides)
                        {
                            for (var attempt = 1; ; attempt++)
                            {
                                var start = CpuSample.Take();
                                var appTicks = ProcessTicks(app.ProcessId);
                                var watch = Stopwatch.StartNew();
                                var inBlock = new List<EventSample>();
                                for (var e = 0; e < settings.EventsPerRound; e++)
                                    inBlock.Add(side == "app"
                                        ? await run.AppEventAsync(level, round, attempt, appClients, ct)
                                        : await run.BareEventAsync(level, round, attempt, bareClients!, ct));
                                var end = CpuSample.Take();
                                var appCpu = CpuPercentOfOneCore(appTicks, ProcessTicks(app.ProcessId), watch.Elapsed);
                                var others = CpuSample.OthersPercent(start, end);
                                var busy = others > settings.BusyThresholdPercent && attempt <= settings.Retries;
                                blocks.Add(new EventBlock(level, round, attempt, side, others, CpuSample.BusyPercent(start, end), appCpu, busy));
                                events.AddRange(busy ? inBlock.Select(s => s with { Discarded = true }) : inBlock);
                                var pooledHub = Distribution.Of(inBlock.SelectMany(s => s.HubMs));
                                var pooledPages = Distribution.Of(inBlock.SelectMany(s => s.PageMs.OfType<double>()));
                                log($"{level} clients, round {round}/{settings.Rounds} {side}: "
                                    + (pooledPages is { } p ? Inv($"pages p95 {p.P95:0} ms; ") : "")
                                    + (pooledHub is { } h ? Inv($"clients p95 {h.P95:0} ms, p99 {h.P99:0} ms, max {h.Max:0} ms; ") : "")
                                    + $"delivered {inBlock.Sum(s => s.HubReceived)}/{inBlock.Sum(s => s.HubClients)}; other programs {Pct(others)}"
                                    + (busy ? " — machine busy, again" : ""));
                                if (!busy) break;
                            }
                        }
                    }
                }
                finally
                {
                    if (appClients is not null)
                    {
                        if (appClients.Closed > 0) log($"WARNING: {appClients.Closed} of the app's hub connections closed during the run");
                        await appClients.DisposeAsync();
                    }
                    if (bareClients is not null) await bareClients.DisposeAsync();
                }
            }

            var report = new EventToScreenReport(
                startedAt, MachineInfo.Current(), dll, browser.Version, settings, [.. pages.Select((_, i) => PageUsers[i % PageUsers.Length])],
                events, blocks, connects, othersBefore, run.Errors,
                app.ReportedArguments,
                app.Problems, Path.GetFileName(appLog), stopwatch.Elapsed);
            var markdown = report.ToMarkdown();
            Console.WriteLine(markdown);
            var basePath = Path.Combine(context.ResultsDirectory, $"event-to-screen-{stamp}");
            await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
            await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
            Console.Error.WriteLine($"Wrote {basePath}.md and .json (server logs beside them).");
            return BenchmarkResult.Of(report.Figures(), basePath + ".md", report.MeasurementProblems);
        }
        finally
        {
            if (bare is not null) await bare.DisposeAsync();
        }
    }

    private static IReadOnlyList<int> ParseLevels(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000)
                throw new UsageException($"--clients takes whole numbers from 0 to 10000, comma-separated, not \"{text}\".");
            levels.Add(n);
        }
        if (levels.Count == 0) throw new UsageException("--clients needs at least one count.");
        return levels;
    }

    /// <summary>utime+stime of one process (clock ticks), null when it cannot be read.</summary>
    internal static long? ProcessTicks(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        catch (FormatException) { return null; }
    }

    /// <summary>CPU used between two readings as a percentage of one core (100 tick/s, Linux' USER_HZ).</summary>
    internal static double? CpuPercentOfOneCore(long? start, long? end, TimeSpan elapsed) =>
        start is null || end is null || elapsed <= TimeSpan.Zero ? null : (end.Value - start.Value) / elapsed.TotalSeconds;

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Makes and measures single events.</summary>
    private sealed class Runner(
        EventToScreenSettings settings, StaffApi author, StaffApi reviewer, IReadOnlyList<IPage> pages, HttpClient bareHttp,
        string tag, TimeProvider time)
    {
        private int _next;

        public List<string> Errors { get; } = [];

        private TimeSpan Timeout => TimeSpan.FromSeconds(settings.TimeoutSeconds);

        /// <summary>
        /// One app event: a statement titled with a unique marker is created and submitted (and approved, for a
        /// publication) first; once that is on every page and the pages settled, the reviewer approves it or the
        /// author publishes it. The clock starts right before that API call.
        /// </summary>
        public async Task<EventSample> AppEventAsync(int level, int round, int attempt, ChangeClients? clients, CancellationToken ct)
        {
            var index = ++_next;
            var kind = index % 2 == 1 ? "approve" : "publish";
            var action = kind == "approve" ? "statement.approved" : "statement.published";
            var marker = $"[e2s {tag} {index:0000}]";
            var created = await author.CreateStatementAsync(Incident, "holding-statement", "public",
                $"Event-to-screen probe {marker}", $"Benchmark statement {index} of an event-to-screen run; it carries no news.", ct);
            await author.SubmitAsync(created.Id, ct);
            var prepared = "statement.submitted";
            if (kind == "publish")
            {
                await reviewer.DecideAsync(created.Id, created.RevisionId, "approve", "Approved for the benchmark.", ct);
                prepared = "statement.approved";
            }
            // The preparation's own renders must be over before the clock starts, or the event queues behind them.
            var prepKey = $"p{index}";
            await ArmAsync(prepKey, ActivitySelector(prepared), marker);
            var prep = await WaitPagesAsync(prepKey, ct);
            if (prep.Any(p => p is null)) Errors.Add($"event {index}: the preparation ({prepared}) did not reach {prep.Count(p => p is null)} page(s) within {settings.TimeoutSeconds} s");
            if (settings.SettleMs > 0) await Pause.ForAsync(TimeSpan.FromMilliseconds(settings.SettleMs), time, ct);

            var key = $"e{index}";
            var early = await ArmAsync(key, ActivitySelector(action), marker);
            if (early > 0) Errors.Add($"event {index}: {early} page(s) showed {action} before it was sent");
            var watch = clients?.Expect(created.Id, action);
            var sentUnixMs = UnixMs();
            var sent = Stopwatch.GetTimestamp();
            try
            {
                if (kind == "approve") await reviewer.DecideAsync(created.Id, created.RevisionId, "approve", "Approved for the benchmark.", ct);
                else await author.PublishNowAsync(created.Id, ct);
            }
            catch (StaffApiException e)
            {
                Errors.Add($"event {index} ({kind}): {e.Message}");
            }
            var apiMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            var all = watch is null || await watch.WaitAllAsync(Timeout, ct);
            var seen = await WaitPagesAsync(key, ct);
            if (!all) Errors.Add($"event {index}: {watch!.Clients - watch.ReceivedCount} of {watch.Clients} hub clients did not get {action} within {settings.TimeoutSeconds} s");
            if (seen.Any(s => s is null)) Errors.Add($"event {index}: {seen.Count(s => s is null)} page(s) did not show {action} within {settings.TimeoutSeconds} s");
            var pageMs = seen.Select(s => s is null ? (double?)null : s.Value - sentUnixMs).ToList();
            var hubMs = watch?.LatenciesMs(sent) ?? [];
            return new EventSample(level, round, attempt, "app", kind, index, created.Id, apiMs, watch?.Clients ?? 0, watch?.ReceivedCount ?? 0,
                hubMs, Distribution.Of(hubMs), pageMs, Warmup: round == 0, Discarded: false);
        }

        /// <summary>One bare broadcast: the same kind of payload as the app's change, to the same number of clients.</summary>
        public async Task<EventSample> BareEventAsync(int level, int round, int attempt, ChangeClients clients, CancellationToken ct)
        {
            var index = ++_next;
            var kind = index % 2 == 1 ? "approve" : "publish";
            var action = kind == "approve" ? "statement.approved" : "statement.published";
            var id = Guid.NewGuid();
            if (settings.SettleMs > 0) await Pause.ForAsync(TimeSpan.FromMilliseconds(settings.SettleMs), time, ct);
            var payload = new
            {
                seq = index,
                at = time.GetUtcNow(),
                action,
                entityType = "statement",
                entityId = id.ToString(),
                actorId = Guid.NewGuid().ToString(),
                actorName = "reviewer@demo.local",
                summary = kind == "approve"
                    ? "Approved revision 1 (0123456789ab) as Reviewer; every required role has signed: in-review → approved"
                    : "Revision 1 (0123456789ab) published by manual; approved → published",
                incidentId = Guid.NewGuid(),
                statementId = id,
            };
            var watch = clients.Expect(id, action);
            var sent = Stopwatch.GetTimestamp();
            using (var response = await bareHttp.PostAsJsonAsync("broadcast", payload, ct))
            {
                if (!response.IsSuccessStatusCode) Errors.Add($"bare broadcast {index}: {(int)response.StatusCode}");
            }
            var apiMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (!await watch.WaitAllAsync(Timeout, ct))
                Errors.Add($"bare broadcast {index}: {watch.Clients - watch.ReceivedCount} of {watch.Clients} clients did not get it within {settings.TimeoutSeconds} s");
            var hubMs = watch.LatenciesMs(sent);
            return new EventSample(level, round, attempt, "bare", kind, index, id, apiMs, watch.Clients, watch.ReceivedCount,
                hubMs, Distribution.Of(hubMs), [], Warmup: round == 0, Discarded: false);
        }

        private static string ActivitySelector(string action) => $"[data-testid=\"dash-activity-item\"][data-action=\"{action}\"]";

        /// <summary>Arms the watch on every page; returns how many already showed it (should be none).</summary>
        private async Task<int> ArmAsync(string key, string selector, string marker)
        {
            var early = 0;
            foreach (var page in pages)
            {
                var at = await page.EvaluateAsync<double?>("([k, s, m]) => window.__e2s.watch(k, s, m)", new object[] { key, selector, marker });
                if (at is not null) early++;
            }
            return early;
        }

        /// <summary>Waits until every page saw <paramref name="key"/> (or the timeout); each page's Date.now() at that moment, null where it never did.</summary>
        private async Task<IReadOnlyList<double?>> WaitPagesAsync(string key, CancellationToken ct)
        {
            var deadline = Stopwatch.StartNew();
            var results = await Task.WhenAll(pages.Select(async page =>
            {
                try
                {
                    var remaining = Timeout - deadline.Elapsed;
                    if (remaining > TimeSpan.Zero)
                        await page.WaitForFunctionAsync("k => window.__e2s.seen[k] != null", key,
                            new PageWaitForFunctionOptions { PollingInterval = 50, Timeout = (float)remaining.TotalMilliseconds });
                }
                catch (TimeoutException) { }
                ct.ThrowIfCancellationRequested();
                return await page.EvaluateAsync<double?>("k => window.__e2s.seen[k] ?? null", key);
            }));
            return results;
        }

        private double UnixMs() => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;
    }
}

public sealed record EventToScreenSettings(
    IReadOnlyList<int> ClientLevels, int Pages, int Rounds, int EventsPerRound, int WarmupEvents, int SettleMs, int TimeoutSeconds,
    double BusyThresholdPercent, int Retries, bool Quick);

/// <summary>
/// One event. Target "app": an approve/publish through the staff API, seen by the pages (<see cref="PageMs"/>, null where
/// a page never showed it) and the /hubs/changes clients; "bare": one POST /broadcast to the bare hub's clients.
/// Latencies in ms from right before the call. Round 0 is warm-up; a discarded event was in a side repeated for a busy machine.
/// </summary>
public sealed record EventSample(
    int Level, int Round, int Attempt, string Target, string Kind, int Index, Guid StatementId, double ApiMs, int HubClients, int HubReceived,
    [property: JsonIgnore] IReadOnlyList<double> HubMs, Distribution? Hub, IReadOnlyList<double?> PageMs, bool Warmup, bool Discarded);

/// <summary>One side (app or bare) of one round at one client count, with the CPU other programs and the app used meanwhile.</summary>
public sealed record EventBlock(int Level, int Round, int Attempt, string Target, double? OthersCpuPercent, double? BusyCpuPercent, double? AppCpuPercentOfOneCore, bool Discarded);

/// <summary>How long opening the client connections took, per client count.</summary>
public sealed record ClientConnect(int Level, double AppSeconds, double BareSeconds);
