using System.Diagnostics;
using System.Globalization;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Tests.ScaleOut;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Issue 9, several instances. Starts its own throwaway PostgreSQL and redis-server (the test suite's
/// <see cref="PostgresServer"/> and <see cref="RedisServer"/>, linked in) and measures:
/// <list type="number">
/// <item>Event to client across instances: "publish now" through the staff API of instance A, received by change-feed
/// clients (/hubs/changes, "statement.published" for that statement) and public clients (/hubs/status, "updated") on
/// instance B — against the same on one instance on PostgreSQL without Redis (clients and trigger on it), in the same
/// run, in rounds with the order alternating. Target: p95 ≤ 2× the single instance's.</item>
/// <item>Publish lateness with two instances on PostgreSQL storage (both run Hangfire and the publish timer): statements
/// scheduled through A, publish time − scheduled time from their publications, each published exactly once, none early
/// — against the single default instance (SQLite), in the same run. Target: p99 ≤ 1 s, max ≤ 2 s.</item>
/// </list>
/// </summary>
public sealed class ScaleOutBenchmark : IBenchmark
{
    public const string Incident = PublishLatenessBenchmark.Incident;
    public const double TargetRatio = 2;
    public const double TargetP99Ms = PublishLatenessBenchmark.TargetP99Ms;
    public const double TargetMaxMs = PublishLatenessBenchmark.TargetMaxMs;

    /// <summary>The settings every app process of this benchmark gets (Production, as deployed, with the demo accounts).</summary>
    private static readonly string[] CommonSettings =
    [
        "Seed:DemoData=true",
        // Every request comes from 127.0.0.1: the per-address limits would throttle the benchmark, not a crowd.
        "Auth:LoginRateLimit:PermitLimit=1000",
        "StatusPage:RateLimit:PermitLimit=100000",
    ];

    public string Name => "scale-out";

    public string Summary => "two instances on PostgreSQL + Redis: publish on A → clients on B vs one instance; publish lateness with two Hangfire servers";

    public string Options => """
          --clients <n>         change-feed clients (/hubs/changes, bearer tokens of 4 staff users) (default 200; --quick: 20)
          --status-clients <n>  public /hubs/status clients (default 5)
          --publications <n>    measured "publish now" events per side and round (default 30; --quick: 5)
          --rounds <n>          rounds of both sides, the order alternating (default 3; --quick: 1)
          --warmup <n>          unmeasured events per side and round first (default 2)
          --spacing <ms>        pause after an event reached every client, before the next trigger (default 300)
          --timeout <s>         how long one event may take to reach every client (default 15)
          --count <n>           statements scheduled in the lateness part, per side (default 100; --quick: 10)
          --min-ahead <s>       earliest schedule, seconds ahead (default 3)
          --max-ahead <s>       latest schedule, seconds ahead (default 30; --quick: 8)
          --seed <n>            random seed for the offsets, the same for both sides (default 5)
          --grace <s>           how long after the last scheduled time to wait for stragglers (default 30)
          --app <path>          the app's CrisisComms.Web.dll (default: src/CrisisComms.Web's build in this program's configuration)
          --quick               harness check: 20 clients, 1 round of 5 publications, 10 statements 3–8 s ahead
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var settings = new ScaleOutSettings(
            Clients: args.Int("clients", quick ? 20 : 200, 0, 5000),
            StatusClients: args.Int("status-clients", 5, 0, 1000),
            Publications: args.Int("publications", quick ? 5 : 30, 1, 1000),
            Rounds: args.Int("rounds", quick ? 1 : 3, 1, 50),
            Warmup: args.Int("warmup", 2, 0, 100),
            SpacingMs: args.Int("spacing", 300, 0, 60_000),
            TimeoutSeconds: args.Int("timeout", 15, 1, 600),
            Quick: quick);
        if (settings.Clients + settings.StatusClients == 0) throw new UsageException("--clients and --status-clients cannot both be 0.");
        var lateness = new LatenessSettings(
            Count: args.Int("count", quick ? 10 : 100, 1, 10_000),
            MinAheadSeconds: args.Double("min-ahead", 3, 2.5, 3600),
            MaxAheadSeconds: args.Double("max-ahead", quick ? 8 : 30, 2.5, 3600),
            Seed: args.Int("seed", 5, int.MinValue, int.MaxValue),
            GraceSeconds: args.Double("grace", 30, 1, 3600),
            Repeats: 1,
            Quick: quick);
        if (lateness.MaxAheadSeconds < lateness.MinAheadSeconds) throw new UsageException("--max-ahead must not be less than --min-ahead.");
        var dll = RepoPaths.FindAppDll(context.RepoRoot, args.String("app"));
        args.EnsureAllUsed();

        var time = context.Time;
        var startedAt = time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine(context.ResultsDirectory, $"scale-out-{stamp}");
        var stopwatch = Stopwatch.StartNew();
        var log = (string what) => Console.Error.WriteLine($"[scale-out] {what}");
        var tag = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);

        // The servers: Debian's packages, installed when missing and this is root (as CI), else named.
        var path = Environment.GetEnvironmentVariable("PATH");
        await DebianPackage.EnsureInstalledAsync("postgresql", "PostgreSQL's server (initdb, pg_ctl)",
            () => Found(() => PostgresServer.FindBinaries(path, "/usr/lib/postgresql")), ct);
        var redisBinary = await DebianPackage.EnsureInstalledAsync("redis-server", "redis-server",
            () => Found(() => RedisServer.FindExecutable(path, ["/usr/bin", "/usr/local/bin", "/usr/sbin"])), ct);
        log($"{settings.Clients} feed clients + {settings.StatusClients} public clients, {settings.Rounds} round(s) of {settings.Publications} publications per side; "
            + $"lateness: {lateness.Count} statements {lateness.MinAheadSeconds:0.#}–{lateness.MaxAheadSeconds:0.#} s ahead; app {dll}");

        PostgresServer? postgres = null;
        RedisServer? redis = null;
        var errors = new List<string>();
        var sides = new List<LatencySide>();
        var runs = new List<LatenessRun>();
        var logs = new List<string>();
        var arguments = new Dictionary<string, IReadOnlyList<string>>();
        var appProblems = new Dictionary<string, IReadOnlyList<string>>();
        try
        {
            log("starting PostgreSQL and redis-server…");
            postgres = await Task.Run(() => PostgresServer.Start(), ct);
            redis = await Task.Run(() => RedisServer.Start(redisBinary), ct);
            var cpu = new CpuWatch(PostmasterPid(postgres));
            log($"PostgreSQL on port {postgres.Port} (folder {postgres.Folder}), redis-server on port {redis.Port} (pid {redis.ProcessId})");

            // The three instances of part 1 up together, so the rounds can alternate which side goes first: one on PostgreSQL
            // without Redis, and two sharing another database and Redis (A migrates and seeds, B starts once A is ready).
            var logSingle = $"{basePath}.single.app.log";
            var logA = $"{basePath}.A.app.log";
            var logB = $"{basePath}.B.app.log";
            logs.AddRange([Path.GetFileName(logSingle), Path.GetFileName(logA), Path.GetFileName(logB)]);
            string[] singleSettings = [.. CommonSettings, .. Postgres(postgres.CreateDatabase())];
            string[] clusterSettings = [.. CommonSettings, .. Postgres(postgres.CreateDatabase()), $"Redis:Configuration={redis.Configuration}", $"Redis:ChannelPrefix=bench-{tag}"];
            await using var single = await AppProcess.StartAsync(dll, "Production", singleSettings, logSingle, TimeSpan.FromSeconds(120), ct);
            log($"single instance ready at {single.BaseAddress} (pid {single.ProcessId}) in {single.ReadyAfter.TotalSeconds:0.0} s");
            await using var a = await AppProcess.StartAsync(dll, "Production", clusterSettings, logA, TimeSpan.FromSeconds(120), ct);
            log($"instance A ready at {a.BaseAddress} (pid {a.ProcessId}) in {a.ReadyAfter.TotalSeconds:0.0} s");
            await using var b = await AppProcess.StartAsync(dll, "Production", clusterSettings, logB, TimeSpan.FromSeconds(120), ct);
            log($"instance B ready at {b.BaseAddress} (pid {b.ProcessId}) in {b.ReadyAfter.TotalSeconds:0.0} s");
            arguments["single"] = [.. single.ReportedArguments.Select(Blank)];
            arguments["cross"] = [.. a.ReportedArguments.Select(Blank)];

            // 1. Event to client: rounds of one side each, the order alternating, so neither always gets the quieter machine.
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var key in round % 2 == 1 ? new[] { "single", "cross" } : ["cross", "single"])
                {
                    sides.Add(key == "single"
                        ? await MeasureLatencyAsync("single", round, "one instance on PostgreSQL (no Redis); trigger and clients on it",
                            single, single, [single.ProcessId], settings, tag, cpu, errors, log, time, ct)
                        : await MeasureLatencyAsync("cross", round, "two instances on PostgreSQL + Redis; trigger on A, clients on B",
                            a, b, [a.ProcessId, b.ProcessId], settings, tag, cpu, errors, log, time, ct));
                }
            }
            appProblems["single"] = single.Problems;
            await single.DisposeAsync();

            // 2. Publish lateness on the same two instances.
            {
                var spec = new RunSpec("cluster", "two instances", "PostgreSQL storage + Redis, both instances running Hangfire and the timer; scheduled and polled through A", []);
                log($"[lateness] {spec.Name}: {lateness.Count} statements through A…");
                runs.Add(await PublishLatenessBenchmark.MeasureAsync(spec, 1, lateness, PublishLatenessBenchmark.Offsets(lateness), a.BaseAddress,
                    () => new LatenessApp(arguments["cross"], [.. a.Problems.Select(p => "A " + p), .. b.Problems.Select(p => "B " + p)],
                        $"{Path.GetFileName(logA)}, {Path.GetFileName(logB)}"), time, ct));
            }
            appProblems["cross"] = [.. a.Problems.Select(p => "A " + p), .. b.Problems.Select(p => "B " + p)];
            await b.DisposeAsync();
            await a.DisposeAsync();

            // 2, baseline. The single default instance (SQLite, in-process Hangfire storage), the same statements and offsets.
            {
                var spec = new RunSpec("single-sqlite", "one instance, SQLite", "the default: SQLite, one instance (precise timer + Hangfire polling 1 s + sweep 5 s)", []);
                var logPath = $"{basePath}.sqlite.app.log";
                logs.Add(Path.GetFileName(logPath));
                await using var app = await AppProcess.StartAsync(dll, "Production", CommonSettings, logPath, TimeSpan.FromSeconds(120), ct);
                log($"[lateness] {spec.Name}: ready at {app.BaseAddress} (pid {app.ProcessId}); {lateness.Count} statements…");
                runs.Add(await PublishLatenessBenchmark.MeasureAsync(spec, 1, lateness, PublishLatenessBenchmark.Offsets(lateness), app.BaseAddress,
                    () => new LatenessApp(app.ReportedArguments, app.Problems, Path.GetFileName(logPath)), time, ct));
            }
        }
        finally
        {
            // Their logs beside the report, then both servers stopped (Ctrl-C comes through here too).
            if (redis is not null)
            {
                await TryWriteAsync($"{basePath}.redis.log", redis.Tail(500));
                redis.Stop();
                logs.Add(Path.GetFileName($"{basePath}.redis.log"));
            }
            if (postgres is not null)
            {
                TryCopy(Path.Combine(postgres.Folder, "server.log"), $"{basePath}.postgres.log");
                postgres.Stop();
                logs.Add(Path.GetFileName($"{basePath}.postgres.log"));
            }
            log("PostgreSQL and redis-server stopped");
        }

        var report = new ScaleOutReport(startedAt, MachineInfo.Current(), dll, settings, lateness, sides, runs, arguments, appProblems, errors, logs, stopwatch.Elapsed);
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
        await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
        Console.Error.WriteLine($"Wrote {basePath}.md and .json (server logs beside them).");
        var problems = report.Problems();
        foreach (var p in problems.Where(p => p.StartsWith("EARLY", StringComparison.Ordinal) || p.StartsWith("PUBLISHED TWICE", StringComparison.Ordinal)))
        {
            var bar = new string('!', Math.Min(p.Length, 100));
            Console.Error.WriteLine($"{bar}\n{p}\n{bar}");
        }
        return BenchmarkResult.Of(report.Figures(), basePath + ".md", problems);
    }

    private static string[] Postgres(string connectionString) => ["Database:Provider=Postgres", $"Database:ConnectionString={connectionString}"];

    /// <summary>The temporary database's name is noise in a report.</summary>
    private static string Blank(string argument) => argument.StartsWith("--Database:ConnectionString=", StringComparison.Ordinal) ? "--Database:ConnectionString=<temp database>" : argument;

    /// <summary>
    /// One side of the event-to-client measurement: approved statements prepared through <paramref name="trigger"/>, the
    /// clients connected to <paramref name="clients"/>, then one "publish now" at a time. Each event's clock starts right
    /// before the request; the next is sent once every client has it (or the timeout passed) and the spacing is over.
    /// </summary>
    private static async Task<LatencySide> MeasureLatencyAsync(
        string key, int round, string description, AppProcess trigger, AppProcess clients, IReadOnlyList<int> appPids, ScaleOutSettings settings, string tag,
        CpuWatch cpu, List<string> errors, Action<string> log, TimeProvider time, CancellationToken ct)
    {
        using var triggerHttp = new HttpClient { BaseAddress = trigger.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var clientsHttp = new HttpClient { BaseAddress = clients.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var author = await StaffApi.SignInAsync(triggerHttp, "author@demo.local", StaffApi.DemoPassword, ct);
        var reviewer = await StaffApi.SignInAsync(triggerHttp, "reviewer@demo.local", StaffApi.DemoPassword, ct);
        var tokens = new List<string>();
        foreach (var user in EventToScreenBenchmark.HubUsers)
            tokens.Add((await StaffApi.SignInAsync(clientsHttp, user, StaffApi.DemoPassword, ct)).AccessToken);

        // Every statement approved before any client connects, so the clients hear only the publications.
        var total = settings.Warmup + settings.Publications;
        var prepared = new List<Guid>();
        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= total; i++)
        {
            var marker = $"[scale-out {tag} {key} r{round} {i:000}]";
            try
            {
                var created = await author.CreateStatementAsync(Incident, "holding-statement", "public",
                    $"Scale-out probe {marker}", $"Benchmark statement {i} of a scale-out run ({key}, round {round}); it carries no news.", ct);
                await author.SubmitAsync(created.Id, ct);
                await reviewer.DecideAsync(created.Id, created.RevisionId, "approve", "Approved for the benchmark.", ct);
                prepared.Add(created.Id);
            }
            catch (StaffApiException e) { errors.Add($"{key} round {round}: prepare #{i}: {e.Message}"); }
        }
        log($"[{key} {round}/{settings.Rounds}] {prepared.Count} statements approved in {watch.Elapsed.TotalSeconds:0.0} s; connecting {settings.Clients} + {settings.StatusClients} clients to {clients.BaseAddress}…");

        watch.Restart();
        await using var feed = await ChangeClients.ConnectAsync("feed", new Uri(clients.BaseAddress, "hubs/changes"), settings.Clients, tokens, 16, ct);
        await using var status = await StatusClients.ConnectAsync(new Uri(clients.BaseAddress, "hubs/status"), settings.StatusClients, 16, ct);
        var connectSeconds = watch.Elapsed.TotalSeconds;
        await Pause.ForAsync(TimeSpan.FromSeconds(1), time, ct);
        var statusBefore = status.Messages;

        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var events = new List<LatencyEvent>();
        var start = cpu.Take(appPids);
        var measureWatch = Stopwatch.StartNew();
        for (var i = 0; i < prepared.Count; i++)
        {
            var id = prepared[i];
            var warmup = i < settings.Warmup;
            var feedWatch = feed.Expect(id, "statement.published");
            var statusWatch = status.Expect();
            var sent = Stopwatch.GetTimestamp();
            try { await author.PublishNowAsync(id, ct); }
            catch (StaffApiException e) { errors.Add($"{key} round {round}: publish {id}: {e.Message}"); }
            var apiMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (!await feedWatch.WaitAllAsync(timeout, ct))
                errors.Add($"{key} round {round}: {feedWatch.Clients - feedWatch.ReceivedCount} of {feedWatch.Clients} feed clients did not get statement.published for {id} within {settings.TimeoutSeconds} s");
            var left = timeout - Stopwatch.GetElapsedTime(sent);
            if (!await statusWatch.WaitAllAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), ct))
                errors.Add($"{key} round {round}: {statusWatch.Clients - statusWatch.ReceivedCount} of {statusWatch.Clients} public clients did not get \"updated\" after publishing {id} within {settings.TimeoutSeconds} s");
            var feedMs = feedWatch.LatenciesMs(sent);
            var statusMs = statusWatch.LatenciesMs(sent);
            events.Add(new LatencyEvent(i + 1, id, warmup, apiMs, feedWatch.Clients, feedWatch.ReceivedCount, feedMs, Distribution.Of(feedMs),
                statusWatch.Clients, statusWatch.ReceivedCount, statusMs, Distribution.Of(statusMs)));
            if (settings.SpacingMs > 0) await Pause.ForAsync(TimeSpan.FromMilliseconds(settings.SpacingMs), time, ct);
        }
        var load = cpu.Since(start, appPids, measureWatch.Elapsed);
        // Late stragglers: one "updated" per client per publication is expected; more would mean double messages.
        await Pause.ForAsync(TimeSpan.FromSeconds(1), time, ct);
        var statusMessages = status.Messages - statusBefore;
        if (feed.Closed > 0) errors.Add($"{key} round {round}: {feed.Closed} feed connection(s) closed during the run");
        if (status.Closed > 0) errors.Add($"{key} round {round}: {status.Closed} public connection(s) closed during the run");

        var side = new LatencySide(key, round, description, trigger.BaseAddress.ToString(), clients.BaseAddress.ToString(), connectSeconds, events, statusMessages, load);
        var counted = side.Counted;
        log($"[{key} {round}/{settings.Rounds}] feed p50/p95/p99 {Ms(side.Feed?.P50)}/{Ms(side.Feed?.P95)}/{Ms(side.Feed?.P99)} ms, public p95 {Ms(side.Status?.P95)} ms; "
            + $"delivered {counted.Sum(e => e.FeedReceived)}/{counted.Sum(e => e.FeedClients)} + {counted.Sum(e => e.StatusReceived)}/{counted.Sum(e => e.StatusClients)}; "
            + $"other programs {Pct(load.OthersPercent)}, PostgreSQL {Pct(load.PostgresPercent)}, app(s) {Pct(load.AppPercentOfOneCore)} of one core");
        return side;
    }

    private static string? Found(Func<string> find)
    {
        try { return find(); }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>The postmaster's pid (first line of postmaster.pid), to count PostgreSQL's CPU apart; pg_ctl detaches it from us.</summary>
    private static int? PostmasterPid(PostgresServer server)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(server.Folder, "data", "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static async Task TryWriteAsync(string path, string text)
    {
        try { await File.WriteAllTextAsync(path, text, CancellationToken.None); }
        catch (IOException e) { Console.Error.WriteLine($"Could not write {path}: {e.Message}"); }
    }

    private static void TryCopy(string from, string to)
    {
        try { if (File.Exists(from)) File.Copy(from, to, overwrite: true); }
        catch (IOException e) { Console.Error.WriteLine($"Could not copy {from}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { Console.Error.WriteLine($"Could not copy {from}: {e.Message}"); }
    }

    internal static string Ms(double? v) => v is null ? "—" : v.Value.ToString(Math.Abs(v.Value) < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    internal static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    /// <summary>
    /// CPU while a side ran: other programs' share of the machine (PostgreSQL's server, which pg_ctl detaches from this
    /// process, taken out and shown apart) and the app processes' own use.
    /// </summary>
    private sealed class CpuWatch(int? postmaster)
    {
        public (CpuSample? Machine, long? Postgres, long? Apps) Take(IReadOnlyList<int> apps) =>
            (CpuSample.Take(), postmaster is { } p ? TreeTicks(p) : null, SumTicks(apps));

        public SideLoad Since((CpuSample? Machine, long? Postgres, long? Apps) start, IReadOnlyList<int> apps, TimeSpan elapsed)
        {
            var end = Take(apps);
            var totalTicks = end.Machine is { } e && start.Machine is { } s ? e.TotalTicks - s.TotalTicks : 0;
            double? postgresPercent = totalTicks > 0 && start.Postgres is { } p0 && end.Postgres is { } p1 ? Math.Clamp((p1 - p0) * 100.0 / totalTicks, 0, 100) : null;
            var others = CpuSample.OthersPercent(start.Machine, end.Machine);
            return new SideLoad(
                others is { } o ? Math.Max(0, o - (postgresPercent ?? 0)) : null,
                postgresPercent,
                CpuSample.BusyPercent(start.Machine, end.Machine),
                EventToScreenBenchmark.CpuPercentOfOneCore(start.Apps, end.Apps, elapsed));
        }

        private static long? SumTicks(IReadOnlyList<int> pids)
        {
            long sum = 0;
            foreach (var pid in pids)
            {
                if (EventToScreenBenchmark.ProcessTicks(pid) is not { } t) return null;
                sum += t;
            }
            return sum;
        }

        /// <summary>utime+stime of a process and its live descendants (the postmaster and its backends).</summary>
        private static long? TreeTicks(int root)
        {
            var stats = new Dictionary<int, (int Parent, long Ticks)>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                try
                {
                    var text = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                    stats[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture),
                        long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                catch (FormatException) { }
                catch (IndexOutOfRangeException) { }
            }
            if (!stats.ContainsKey(root)) return null;
            var tree = new HashSet<int> { root };
            bool grew;
            do
            {
                grew = false;
                foreach (var (pid, s) in stats)
                    if (!tree.Contains(pid) && tree.Contains(s.Parent)) grew |= tree.Add(pid);
            } while (grew);
            return tree.Sum(p => stats[p].Ticks);
        }
    }
}

public sealed record ScaleOutSettings(int Clients, int StatusClients, int Publications, int Rounds, int Warmup, int SpacingMs, int TimeoutSeconds, bool Quick);

/// <summary>One "publish now": when each feed client and each public client had it, in ms from right before the request.</summary>
public sealed record LatencyEvent(
    int Index, Guid StatementId, bool Warmup, double ApiMs,
    int FeedClients, int FeedReceived, [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<double> FeedMs, Distribution? Feed,
    int StatusClients, int StatusReceived, [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<double> StatusMs, Distribution? Status);

/// <summary>CPU while a side's events ran: other programs (% of the machine, PostgreSQL apart), PostgreSQL, everything, and the app(s) in % of one core.</summary>
public sealed record SideLoad(double? OthersPercent, double? PostgresPercent, double? BusyPercent, double? AppPercentOfOneCore);

/// <summary>One round of one side of the event-to-client measurement (single instance, or across instances).</summary>
public sealed record LatencySide(
    string Key, int Round, string Description, string TriggerAt, string ClientsAt, double ConnectSeconds, IReadOnlyList<LatencyEvent> Events,
    long StatusMessages, SideLoad Load)
{
    public IReadOnlyList<LatencyEvent> Counted => [.. Events.Where(e => !e.Warmup)];

    /// <summary>Feed clients, every client of every counted event pooled.</summary>
    public Distribution? Feed => Distribution.Of(Counted.SelectMany(e => e.FeedMs));

    /// <summary>Public clients, pooled likewise.</summary>
    public Distribution? Status => Distribution.Of(Counted.SelectMany(e => e.StatusMs));

    public Distribution? Api => Distribution.Of(Counted.Select(e => e.ApiMs));
}
