using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrisisComms.Tests.Features.Statements;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Hostile previews (#15): the app as its own process (Release build, demo accounts). First it finds the worst accepted
/// body: for each family of expensive-but-legal shapes (<see cref="HostilePayloads.WorstCaseFamilies"/>) the largest
/// size the preview still accepts (binary search), then the slowest of those. It times previews of that body (p50/p99)
/// against previews of the CEO apology template, then probes <c>/healthz</c> and <c>/</c> every 20 ms, first idle and then
/// while 12 workers (three accounts) send the worst body back to back — the issue's "twelve worst-case previews at once".
/// 429/503 answers during the load are the budgets doing their job; they are counted, and the worker waits Retry-After.
/// </summary>
public sealed class HostilePreviewBenchmark : IBenchmark
{
    private const string Incident = "customer-data-breach";
    private static readonly string[] Accounts = ["author@demo.local", "reviewer@demo.local", "approver@demo.local"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Name => "hostile-preview";

    public string Summary => "preview latency of the worst accepted body (p50/p99), and /healthz and / p99 while 12 worst-case previews run";

    public string Options => """
          --runs <n>            timed previews of the worst body and of the baseline (default 40; --quick: 6)
          --load-seconds <n>    how long the 12 workers run (default 20; --quick: 4)
          --workers <n>         concurrent previewing workers (default 12)
          --app <path>          the app's CrisisComms.Web.dll (default: src/CrisisComms.Web's build in this program's configuration)
          --quick               harness check: fewer previews, a shorter load
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var runs = args.Int("runs", quick ? 6 : 40, 2, 10_000);
        var loadSeconds = args.Int("load-seconds", quick ? 4 : 20, 1, 3600);
        var workers = args.Int("workers", 12, 1, 256);
        var dll = RepoPaths.FindAppDll(context.RepoRoot, args.String("app"));
        args.EnsureAllUsed();

        var startedAt = context.Time.GetUtcNow();
        var basePath = Path.Combine(context.ResultsDirectory, $"hostile-preview-{startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        var stopwatch = Stopwatch.StartNew();
        void Log(string what) => Console.Error.WriteLine($"[hostile-preview] {what}");

        await using var app = await AppProcess.StartAsync(dll, "Development", ["Auth:LoginRateLimit:PermitLimit=1000", "StatusPage:RateLimit:PermitLimit=1000000"], basePath + ".app.log", TimeSpan.FromSeconds(90), ct);
        Log($"app ready at {app.BaseAddress} (pid {app.ProcessId})");
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var tokens = new List<string>();
        foreach (var email in Accounts) tokens.Add((await StaffApi.SignInAsync(http, email, StaffApi.DemoPassword, ct)).AccessToken);
        var previewer = new Previewer(http, tokens);

        // 1. The worst accepted body: the largest accepted size per family, then the slowest of those.
        var candidates = new List<Candidate>();
        foreach (var (name, make, max) in HostilePayloads.WorstCaseFamilies)
        {
            var n = await LargestAcceptedAsync(previewer, make, max, ct);
            if (n == 0) { Log($"{name}: not even the smallest size is accepted; skipped"); continue; }
            var body = make(n);
            var times = new List<double>();
            for (var i = 0; i < (quick ? 2 : 5); i++) times.Add((await previewer.PreviewAsync(body, ct)).Milliseconds);
            candidates.Add(new Candidate(name, n, Encoding.UTF8.GetByteCount(body), times.Order().ElementAt(times.Count / 2)));
            Log(Inv($"{name}: largest accepted n = {n} ({Encoding.UTF8.GetByteCount(body):N0} bytes), median preview {candidates[^1].MedianMs:0} ms"));
        }
        var worst = candidates.MaxBy(c => c.MedianMs) ?? throw new InvalidOperationException("No worst-case family produced an accepted body.");
        var worstBody = HostilePayloads.WorstCaseFamilies.Single(f => f.Name == worst.Family).Make(worst.Size);
        Log($"worst accepted body: {worst.Family} (n = {worst.Size})");

        // 2. Preview latency: the worst body vs an ordinary statement (the CEO apology template's text), alternating.
        var ordinary = await File.ReadAllTextAsync(Path.Combine(context.RepoRoot, "content", "templates", "ceo-apology.md"), ct);
        ordinary = ordinary[(ordinary.IndexOf("\n---", 4, StringComparison.Ordinal) + 4)..];
        var worstTimes = new List<double>();
        var ordinaryTimes = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            worstTimes.Add((await previewer.PreviewAsync(worstBody, ct)).Milliseconds);
            ordinaryTimes.Add((await previewer.PreviewAsync(ordinary, ct)).Milliseconds);
        }

        // 3. /healthz and / idle, then under load (the public rate limit is raised above for the probes: 50 requests a second from one address).
        var idle = await ProbeAsync(http, TimeSpan.FromSeconds(quick ? 2 : 5), ct);
        using var loadCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var counts = new LoadCounts();
        var load = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(http, tokens[w % tokens.Count], worstBody, counts, loadCts.Token), ct)).ToList();
        // Probing starts once every worker has a preview in flight, so the probes never see an idle server.
        using (var startTick = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
            while (Volatile.Read(ref counts.Sent) < workers && await startTick.WaitForNextTickAsync(ct)) { }
        var busy = await ProbeAsync(http, TimeSpan.FromSeconds(loadSeconds), ct);
        await loadCts.CancelAsync();
        await Task.WhenAll(load);

        var report = new HostilePreviewReport(startedAt, MachineInfo.Current(), quick, runs, loadSeconds, workers, candidates, worst,
            Distribution.Of(worstTimes)!, Distribution.Of(ordinaryTimes)!, idle, busy, counts.Snapshot(), app.Problems, stopwatch.Elapsed);
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
        await File.WriteAllTextAsync(basePath + ".json", JsonSerializer.Serialize(report, Json), ct);
        var problems = new List<string>();
        if (report.Load.Completed == 0) problems.Add("No worst-case preview completed during the load: the figure would measure an idle server.");
        if (report.Idle.Failures + report.UnderLoad.Failures > 0)
            problems.Add($"{report.Idle.Failures + report.UnderLoad.Failures} probe(s) of /healthz or / did not answer 2xx: their latencies are not the page's.");
        return BenchmarkResult.Of(report.Figures(), basePath + ".md", problems);
    }

    /// <summary>The largest n in [1, max] whose body the preview accepts (ok, no budget problem), assuming acceptance shrinks as n grows.</summary>
    private static async Task<int> LargestAcceptedAsync(Previewer previewer, Func<int, string> make, int max, CancellationToken ct)
    {
        int low = 0, high = max;
        while (low < high)
        {
            var mid = low + (high - low + 1) / 2;
            if ((await previewer.PreviewAsync(make(mid), ct)).Accepted) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    private static async Task WorkerAsync(HttpClient http, string token, string body, LoadCounts counts, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = Previewer.Request(token, body);
                var sending = http.SendAsync(request, ct);
                Interlocked.Increment(ref counts.Sent);
                using var response = await sending;
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref counts.Completed);
                else if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref counts.RateLimited);
                    else Interlocked.Increment(ref counts.Busy);
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250), ct); // the server said when to come back
                }
                else Interlocked.Increment(ref counts.Failed);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        }
    }

    /// <summary>GET /healthz and GET / every 20 ms for <paramref name="duration"/>; their latencies in ms.</summary>
    private static async Task<ProbeResult> ProbeAsync(HttpClient http, TimeSpan duration, CancellationToken ct)
    {
        var healthz = new List<double>();
        var home = new List<double>();
        var failures = 0;
        var until = Stopwatch.StartNew();
        using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(20)); // the probe rate, not a wait for something
        while (until.Elapsed < duration && await every.WaitForNextTickAsync(ct))
        {
            foreach (var (path, into) in new[] { ("healthz", healthz), ("", home) })
            {
                var t = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                into.Add(t.Elapsed.TotalMilliseconds);
                if (!response.IsSuccessStatusCode) failures++;
            }
        }
        return new ProbeResult(Distribution.Of(healthz)!, Distribution.Of(home)!, failures);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Previews through the staff API, round-robin over the accounts, waiting out 429s (the per-person allowance).</summary>
    private sealed class Previewer(HttpClient http, IReadOnlyList<string> tokens)
    {
        private int _next;

        public static HttpRequestMessage Request(string token, string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{StaffApi.Prefix}incidents/{Incident}/preview")
            {
                Content = JsonContent.Create(new { kind = "holding-statement", title = "Update", body }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        public async Task<(bool Accepted, double Milliseconds)> PreviewAsync(string body, CancellationToken ct)
        {
            while (true)
            {
                var token = tokens[_next++ % tokens.Count];
                using var request = Request(token, body);
                var t = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                var ms = t.Elapsed.TotalMilliseconds;
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(300), ct); // the server said when to come back
                    continue;
                }
                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge) return (false, ms);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Preview answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
                return (JsonDocument.Parse(text).RootElement.GetProperty("ok").GetBoolean(), ms);
            }
        }
    }
}

public sealed record Candidate(string Family, int Size, int Bytes, double MedianMs);

public sealed record ProbeResult(Distribution Healthz, Distribution Home, int Failures);

public sealed class LoadCounts
{
    public int Sent;
    public int Completed;
    public int RateLimited;
    public int Busy;
    public int Failed;

    public LoadSnapshot Snapshot() => new(Completed, RateLimited, Busy, Failed);
}

public sealed record LoadSnapshot(int Completed, int RateLimited, int Busy, int Failed);

/// <summary>The hostile-preview result as Markdown (stdout, .md), JSON (.json) and figures.</summary>
public sealed record HostilePreviewReport(
    DateTimeOffset StartedAt, MachineInfo Machine, bool Quick, int Runs, int LoadSeconds, int Workers,
    IReadOnlyList<Candidate> Candidates, Candidate Worst, Distribution WorstPreview, Distribution OrdinaryPreview,
    ProbeResult Idle, ProbeResult UnderLoad, LoadSnapshot Load, IReadOnlyList<string> AppProblems, TimeSpan Duration)
{
    public string Command => "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- hostile-preview" + (Quick ? " --quick" : "");

    public IReadOnlyList<Figure> Figures() =>
    [
        new("hostile-preview", $"preview of the worst accepted body ({Worst.Family}, {Worst.Bytes:N0} B), p50", "ms", WorstPreview.P50,
            "preview of the CEO apology template", OrdinaryPreview.P50),
        new("hostile-preview", "preview of the worst accepted body, p99", "ms", WorstPreview.P99,
            "preview of the CEO apology template", OrdinaryPreview.P99, Target: "< 2,000 ms (the render time budget)", Met: WorstPreview.P99 < 2000),
        new("hostile-preview", $"`/healthz` p99 while {Workers} worst-case previews run", "ms", UnderLoad.Healthz.P99,
            "idle", Idle.Healthz.P99, Target: "< 1,000 ms", Met: UnderLoad.Healthz.P99 < 1000 && UnderLoad.Failures == 0,
            Note: $"{Load.Completed} previews done, {Load.RateLimited} × 429, {Load.Busy} × 503"),
        new("hostile-preview", $"`/` p99 while {Workers} worst-case previews run", "ms", UnderLoad.Home.P99,
            "idle", Idle.Home.P99, Target: "< 1,000 ms", Met: UnderLoad.Home.P99 < 1000 && UnderLoad.Failures == 0),
    ];

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# hostile-preview — {StartedAt:yyyy-MM-dd HH:mm} UTC{(Quick ? " (quick: harness check)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{Command}` · {Machine} · {Duration.TotalSeconds:0} s");
        md.AppendLine();
        md.AppendLine(Figure.TableHeader);
        foreach (var figure in Figures()) md.AppendLine(figure.TableRow());
        md.AppendLine();
        md.AppendLine("Largest accepted size per family (the slowest is the worst accepted body):");
        md.AppendLine();
        md.AppendLine("| family | n | bytes | median preview |");
        md.AppendLine("|---|--:|--:|--:|");
        foreach (var c in Candidates) md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Family}{(c == Worst ? " (worst)" : "")} | {c.Size:N0} | {c.Bytes:N0} | {c.MedianMs:0} ms |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Probes: idle `/healthz` p50 {Idle.Healthz.P50:0.0} ms / p99 {Idle.Healthz.P99:0.0} ms ({Idle.Healthz.Count}); under load p50 {UnderLoad.Healthz.P50:0.0} ms / p99 {UnderLoad.Healthz.P99:0.0} ms / max {UnderLoad.Healthz.Max:0} ms ({UnderLoad.Healthz.Count}), {UnderLoad.Failures} failed.");
        if (AppProblems.Count > 0) md.AppendLine().AppendLine("App log problems: " + string.Join("; ", AppProblems.Take(5)));
        return md.ToString();
    }
}
