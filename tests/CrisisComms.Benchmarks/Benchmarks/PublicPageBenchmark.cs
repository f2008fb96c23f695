using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// The public status page under load: <c>/</c> with the demo incident and ten published public updates, served
/// by the app as deployed (Release build, Production, output cache, public rate limiter on), against the same bytes
/// served as a static file by a bare Kestrel in its own process (and by nginx when it is installed), all measured
/// with wrk in one run. Also counts the database commands made while serving 10,000 cached requests.
/// Targets: throughput ≥ 0.8× the static file, p99 ≤ 1.5× it, at most 1 database query per 10,000 cached requests.
/// </summary>
public sealed class PublicPageBenchmark : IBenchmark
{
    public const string Incident = PublishLatenessBenchmark.Incident;
    public const double TargetThroughputRatio = 0.8;
    public const double TargetP99Ratio = 1.5;
    public const long TargetQueriesPer10k = 1;
    public const string NginxPath = "/usr/sbin/nginx";

    /// <summary>
    /// wrk comes from one address, and the public routes allow 600 requests a minute per address by default;
    /// this lifts the cap so the limiter still runs on every request (as deployed) but never refuses one.
    /// </summary>
    public const string RateLimitSetting = "StatusPage:RateLimit:PermitLimit=100000000";

    public string Name => "public-page";

    public string Summary => "/ with 10 published updates vs the same bytes as a static file (Kestrel, nginx if installed), with wrk; DB queries per 10,000 cached requests";

    public string Options => """
          --threads <n>         wrk threads (default 2)
          --connections <n>     wrk connections (default 64)
          --duration <s>        seconds per measured wrk run (default 15; --quick: 3)
          --warmup <s>          seconds of wrk warm-up per server before the rounds (default 5; --quick: 1)
          --rounds <n>          measured runs per server, order rotated each round; medians reported (default 3; --quick: 1)
          --requests <n>        cached requests counted for database queries (default 10000)
          --concurrency <n>     concurrent HttpClient requests for that count (default 32)
          --no-nginx            leave nginx out even when /usr/sbin/nginx is installed
          --busy <pct>          a measured run during which other programs used more than this share of the machine is
                                run again (default 10)
          --retries <n>         how many times at most (default 2); the last attempt counts either way
          --app <path>          the app's CrisisComms.Web.dll (default: src/CrisisComms.Web's build in this program's configuration, Release with -c Release)
          --quick               harness check: 3 s runs, 1 round
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var wrkSettings = new WrkSettings(
            Threads: args.Int("threads", 2, 1, 256),
            Connections: args.Int("connections", 64, 1, 100_000),
            TimeoutSeconds: 10);
        if (wrkSettings.Connections < wrkSettings.Threads) throw new UsageException("--connections must be at least --threads (wrk gives each thread its own connections).");
        var settings = new PublicPageSettings(
            Wrk: wrkSettings,
            DurationSeconds: args.Int("duration", quick ? 3 : 15, 1, 3600),
            WarmupSeconds: args.Int("warmup", quick ? 1 : 5, 0, 3600),
            Rounds: args.Int("rounds", quick ? 1 : 3, 1, 100),
            CountedRequests: args.Int("requests", 10_000, 1, 10_000_000),
            Concurrency: args.Int("concurrency", 32, 1, 1024),
            BusyThresholdPercent: args.Double("busy", 10, 0, 100),
            Retries: args.Int("retries", 2, 0, 20),
            Quick: quick);
        var noNginx = args.Flag("no-nginx");
        var dll = RepoPaths.FindAppDll(context.RepoRoot, args.String("app"));
        args.EnsureAllUsed();

        var time = context.Time;
        var startedAt = time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var stopwatch = Stopwatch.StartNew();
        var log = (string what) => Console.Error.WriteLine($"[public-page] {what}");

        var wrk = await Wrk.EnsureInstalledAsync(ct);
        var wrkVersion = await Wrk.VersionAsync(wrk, ct);
        log($"{wrkVersion}; app {dll}");

        // 1. The app as deployed, with the demo incident and ten public updates published through the staff API.
        string[] appSettings =
        [
            "Seed:DemoData=true",
            "Organisation:Name=Southern Cross Airways",
            "Organisation:TimeZone=Australia/Sydney",
            "Auth:LoginRateLimit:PermitLimit=1000",
            RateLimitSetting,
        ];
        var appLog = Path.Combine(context.ResultsDirectory, $"public-page-{stamp}.app.log");
        await using var app = await AppProcess.StartAsync(dll, "Production", appSettings, appLog, TimeSpan.FromSeconds(90), ct);
        log($"app ready at {app.BaseAddress} (pid {app.ProcessId})");
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var author = await StaffApi.SignInAsync(http, "author@demo.local", StaffApi.DemoPassword, ct);
        var reviewer = await StaffApi.SignInAsync(http, "reviewer@demo.local", StaffApi.DemoPassword, ct);
        var admin = await StaffApi.SignInAsync(http, "admin@demo.local", StaffApi.DemoPassword, ct);
        foreach (var (title, body) in PublicPageUpdates.All)
        {
            var created = await author.CreateStatementAsync(Incident, "holding-statement", "public", title, body, ct);
            await author.SubmitAsync(created.Id, ct);
            await reviewer.DecideAsync(created.Id, created.RevisionId, "approve", "Approved for the status page.", ct);
            await author.PublishNowAsync(created.Id, ct);
        }
        log($"{PublicPageUpdates.All.Count} updates published on {Incident}");
        // After a publication the app evicts the cache at once and again once its background refresh has written the
        // public snapshot. Wait for that, so the count below is not disturbed by the second eviction.
        var settled = await WaitForSnapshotAsync(app.DataDirectory, PublicPageUpdates.All[^1].Title, time, ct);
        log(settled ? "the app's public snapshot has the last update" : "WARNING: the app's public snapshot did not show the last update within 30 s; counting anyway");

        // 2. The page, and the database commands of 10,000 cached requests right after it was rendered (the
        //    server cache keeps a page 60 s, so the count starts on a fresh entry).
        var before = await admin.DatabaseCommandsAsync(ct);
        var page = await GetPageAsync(http, ct);
        var afterFirst = await admin.DatabaseCommandsAsync(ct);
        var again = await GetPageAsync(http, ct);
        if (!again.Body.AsSpan().SequenceEqual(page.Body))
            throw new InvalidOperationException("Two requests to / in a row answered different bytes; the page is not being served from the cache.");
        // "/" shows each unresolved incident with its latest update and a link to all of them.
        var html = Encoding.UTF8.GetString(page.Body);
        var latestTitle = WebUtility.HtmlEncode(PublicPageUpdates.All[^1].Title);
        // The demo data may already hold publications of its own (the demo seeder publishes a holding statement), so
        // the link counts at least ours.
        var allUpdates = System.Text.RegularExpressions.Regex.Match(html, @"All (\d+) updates on this incident");
        if (!html.Contains(latestTitle, StringComparison.Ordinal) || !allUpdates.Success
            || int.Parse(allUpdates.Groups[1].Value, CultureInfo.InvariantCulture) < PublicPageUpdates.All.Count)
            throw new InvalidOperationException($"/ does not show the latest update (\"{latestTitle}\") and \"All N updates on this incident\" with N ≥ {PublicPageUpdates.All.Count}; the publications did not reach the page.");
        var pageSha = Convert.ToHexStringLower(SHA256.HashData(page.Body));
        log($"/ is {page.Body.Length:N0} bytes (sha256 {pageSha[..16]}…), Content-Type {page.ContentType}; counting database commands over {settings.CountedRequests:N0} cached requests…");
        var queries = await CountQueriesAsync(http, admin, page.Body, settings, before, afterFirst, settled, ct);
        log($"public database commands during {queries.Requests:N0} cached requests: {queries.PublicDelta} (total {queries.TotalDelta}); {queries.Seconds:0.0} s");

        // 3. The same bytes as a static file: bare Kestrel in its own process, and nginx when installed.
        var work = Directory.CreateTempSubdirectory("crisiscomms-bench-static-").FullName;
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(work, "www")).FullName;
            var file = Path.Combine(folder, "index.html");
            await File.WriteAllBytesAsync(file, page.Body, ct);
            // Readable by nginx's unprivileged workers (a temp subdirectory is created 0700).
            if (!OperatingSystem.IsWindows())
            {
                const UnixFileMode dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
                File.SetUnixFileMode(work, dirMode);
                File.SetUnixFileMode(folder, dirMode);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            var staticUrl = ServerProcess.FreeLoopbackUrl();
            var staticLog = Path.Combine(context.ResultsDirectory, $"public-page-{stamp}.static.log");
            await using var staticServer = await StaticFileServer.StartAsync(folder, staticUrl, staticLog, ct);
            await VerifySameBytesAsync(staticUrl, page.Body, "the static-file server", ct);
            log($"static-file server ready at {staticUrl} (pid {staticServer.ProcessId}), byte-identical");

            var targets = new List<PublicPageTarget>
            {
                new("static", "Kestrel static file", $"the same bytes as index.html; UseDefaultFiles + UseStaticFiles, own process, Server GC", staticUrl),
                new("app", "CrisisComms `/`", "the app as deployed: Release, Production, output cache, public rate limiter on", app.BaseAddress),
            };

            ServerProcess? nginx = null;
            string? nginxVersion = null;
            string nginxNote;
            if (noNginx) nginxNote = "nginx left out (--no-nginx)";
            else if (!File.Exists(NginxPath)) nginxNote = "nginx not installed";
            else
            {
                (nginx, nginxVersion) = await StartNginxAsync(folder, Path.Combine(work, "nginx"), Path.Combine(context.ResultsDirectory, $"public-page-{stamp}.nginx.log"), ct);
                await VerifySameBytesAsync(nginx.BaseAddress, page.Body, "nginx", ct);
                targets.Add(new("nginx", "nginx static file", $"{nginxVersion}; worker_processes auto, sendfile on, access_log off", nginx.BaseAddress));
                nginxNote = $"{nginxVersion}, same file";
                log($"nginx ready at {nginx.BaseAddress} (pid {nginx.ProcessId}), byte-identical");
            }

            try
            {
                // 4. wrk: a warm-up per server, then rounds with the order rotated, medians reported. The machine may be
                //    shared: a measured run during which other programs took more than --busy % of it is run again.
                var idleStart = CpuSample.Take();
                await Pause.ForAsync(TimeSpan.FromSeconds(2), time, ct);
                var othersBefore = CpuSample.OthersPercent(idleStart, CpuSample.Take());
                log($"other programs used {Pct(othersBefore)} of the machine in the 2 s before the runs");
                var runs = new List<PublicPageRun>();
                async Task<PublicPageRun> MeasureAsync(PublicPageTarget t, int round, int seconds, int attempt)
                {
                    var start = CpuSample.Take();
                    var result = await Wrk.RunAsync(wrk, t.Url, settings.Wrk, TimeSpan.FromSeconds(seconds), ct);
                    var end = CpuSample.Take();
                    return new PublicPageRun(t.Key, round, attempt, result, CpuSample.OthersPercent(start, end), CpuSample.BusyPercent(start, end), Discarded: false);
                }
                if (settings.WarmupSeconds > 0)
                {
                    foreach (var t in targets)
                    {
                        log($"warm-up {t.Name}, {settings.WarmupSeconds} s");
                        runs.Add(await MeasureAsync(t, 0, settings.WarmupSeconds, 1));
                    }
                }
                for (var round = 1; round <= settings.Rounds; round++)
                {
                    var order = targets.Skip((round - 1) % targets.Count).Concat(targets.Take((round - 1) % targets.Count)).ToList();
                    foreach (var t in order)
                    {
                        for (var attempt = 1; ; attempt++)
                        {
                            var run = await MeasureAsync(t, round, settings.DurationSeconds, attempt);
                            var r = run.Result;
                            var busy = run.OthersCpuPercent > settings.BusyThresholdPercent;
                            log($"round {round}/{settings.Rounds} {t.Name}: {r.RequestsPerSecond:N0} req/s, p50 {r.P50Ms:0.00} ms, p99 {r.P99Ms:0.00} ms, other programs {Pct(run.OthersCpuPercent)}"
                                + (r.NonSuccessResponses + r.SocketErrors.Total > 0 ? $", {r.NonSuccessResponses} non-2xx/3xx, {r.SocketErrors.Total} socket errors" : "")
                                + (busy && attempt <= settings.Retries ? " — machine busy, again" : ""));
                            if (busy && attempt <= settings.Retries)
                            {
                                runs.Add(run with { Discarded = true });
                                continue;
                            }
                            runs.Add(run);
                            break;
                        }
                    }
                }

                var report = new PublicPageReport(
                    startedAt, MachineInfo.Current(), dll, wrkVersion, settings, page.Body.Length, pageSha, page.ContentType,
                    PublicPageUpdates.All.Count, targets, runs, othersBefore, queries, nginxNote,
                    app.ReportedArguments,
                    app.Problems, Path.GetFileName(appLog), stopwatch.Elapsed);
                var markdown = report.ToMarkdown();
                Console.WriteLine(markdown);
                var basePath = Path.Combine(context.ResultsDirectory, $"public-page-{stamp}");
                await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
                await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
                Console.Error.WriteLine($"Wrote {basePath}.md and .json (server logs beside them).");
                return BenchmarkResult.Of(report.Figures(), basePath + ".md", report.MeasurementProblems);
            }
            finally
            {
                if (nginx is not null) await nginx.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { Console.Error.WriteLine($"Could not delete {work}; remove it by hand."); }
        }
    }

    /// <summary>Waits (30 s at most) until the app's public-snapshot.json holds <paramref name="text"/>, then half a second for the eviction that follows.</summary>
    private static async Task<bool> WaitForSnapshotAsync(string dataDirectory, string text, TimeProvider time, CancellationToken ct)
    {
        var file = Path.Combine(dataDirectory, "public-snapshot.json");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                if (File.Exists(file) && (await File.ReadAllTextAsync(file, ct)).Contains(text, StringComparison.Ordinal))
                {
                    await Pause.ForAsync(TimeSpan.FromMilliseconds(500), time, ct);
                    return true;
                }
            }
            catch (IOException) { } // being replaced
            await Pause.ForAsync(TimeSpan.FromMilliseconds(100), time, ct);
        }
        return false;
    }

    private static string Pct(double? v) => v is null ? "n/a" : v.Value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private sealed record Page(byte[] Body, string ContentType);

    private static async Task<Page> GetPageAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("", ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET / answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])}");
        return new Page(body, response.Content.Headers.ContentType?.ToString() ?? "");
    }

    private static async Task VerifySameBytesAsync(Uri url, byte[] expected, string who, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var served = await GetPageAsync(http, ct);
        if (!served.Body.AsSpan().SequenceEqual(expected))
            throw new InvalidOperationException($"{who} answered {served.Body.Length:N0} bytes that differ from the app's {expected.Length:N0}.");
    }

    /// <summary>
    /// Database commands (from /api/staff/v1/diagnostics) over exactly <see cref="PublicPageSettings.CountedRequests"/>
    /// requests to / after the cache was primed, each checked to be 200 with the page's exact bytes.
    /// </summary>
    private static async Task<PublicPageQueries> CountQueriesAsync(
        HttpClient http, StaffApi admin, byte[] expected, PublicPageSettings settings,
        IReadOnlyDictionary<string, long> beforeFirst, IReadOnlyDictionary<string, long> afterFirst, bool settled, CancellationToken ct)
    {
        var start = await admin.DatabaseCommandsAsync(ct);
        var next = 0;
        var failures = 0;
        var examples = new List<string>();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= settings.CountedRequests)
            {
                using var response = await http.GetAsync("", ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                if (response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual(expected)) continue;
                Interlocked.Increment(ref failures);
                lock (examples)
                    if (examples.Count < 5) examples.Add($"{(int)response.StatusCode}, {body.Length} bytes");
            }
        }).ToList();
        await Task.WhenAll(workers);
        var seconds = watch.Elapsed.TotalSeconds;
        var end = await admin.DatabaseCommandsAsync(ct);
        return new PublicPageQueries(
            settings.CountedRequests, settings.Concurrency, seconds,
            PublicDelta: Get(end, "public") - Get(start, "public"),
            TotalDelta: Get(end, "total") - Get(start, "total"),
            FirstRenderPublic: Get(afterFirst, "public") - Get(beforeFirst, "public"),
            Failures: failures, FailureExamples: examples, SnapshotSettled: settled, Before: start, After: end);

        static long Get(IReadOnlyDictionary<string, long> d, string key) => d.TryGetValue(key, out var v) ? v : 0;
    }

    /// <summary>nginx in the foreground on a free loopback port, serving <paramref name="root"/>, with its files under <paramref name="prefix"/>.</summary>
    private static async Task<(ServerProcess Server, string Version)> StartNginxAsync(string root, string prefix, string logPath, CancellationToken ct)
    {
        var (_, versionOutput) = await Wrk.RunToEndAsync(NginxPath, ["-v"], ct);
        var version = versionOutput.Trim().Replace("nginx version: ", "", StringComparison.Ordinal);
        Directory.CreateDirectory(prefix);
        var url = ServerProcess.FreeLoopbackUrl();
        var conf = Path.Combine(prefix, "nginx.conf");
        var temp = Directory.CreateDirectory(Path.Combine(prefix, "temp")).FullName;
        await File.WriteAllTextAsync(conf, $$"""
            daemon off;
            master_process on;
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                types { text/html html; }
                default_type application/octet-stream;
                client_body_temp_path {{temp}}/client_body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                server {
                    listen 127.0.0.1:{{url.Port}};
                    root {{root}};
                    index index.html;
                }
            }
            """, ct);
        var server = await ServerProcess.StartAsync(
            new ServerProcess.StartInfo("nginx", NginxPath, ["-p", prefix, "-c", conf, "-e", "stderr"], url, logPath, ReadyPath: "", TimeSpan.FromSeconds(30)), ct);
        return (server, version);
    }
}

public sealed record PublicPageSettings(
    WrkSettings Wrk, int DurationSeconds, int WarmupSeconds, int Rounds, int CountedRequests, int Concurrency,
    double BusyThresholdPercent, int Retries, bool Quick);

/// <summary>A server measured: <see cref="Key"/> is static, app or nginx.</summary>
public sealed record PublicPageTarget(string Key, string Name, string Description, Uri Url);

/// <summary>
/// One wrk run against one server; round 0 is the warm-up. <see cref="OthersCpuPercent"/>: the share of the machine
/// other programs used meanwhile; a discarded run was repeated because that was over the --busy threshold.
/// </summary>
public sealed record PublicPageRun(string Target, int Round, int Attempt, WrkResult Result, double? OthersCpuPercent, double? BusyCpuPercent, bool Discarded);

/// <summary>Database commands while serving cached requests to /, from the app's diagnostics endpoint.</summary>
public sealed record PublicPageQueries(
    int Requests, int Concurrency, double Seconds, long PublicDelta, long TotalDelta, long FirstRenderPublic,
    int Failures, IReadOnlyList<string> FailureExamples, bool SnapshotSettled, IReadOnlyDictionary<string, long> Before, IReadOnlyDictionary<string, long> After);
