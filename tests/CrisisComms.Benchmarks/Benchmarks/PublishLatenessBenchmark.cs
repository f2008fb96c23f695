using System.Diagnostics;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Issue 5: schedule N approved statements 3–60 s ahead through the staff API against the app on its embedded
/// default, and record publish time − scheduled time (both server-side) for each. Runs twice in one go —
/// CrisisComms' defaults (precise timer + Hangfire polling 1 s + sweep 5 s) and stock Hangfire polling
/// (15 s, no timer, no sweep) — and reports both and the ratio. Without --quick the pair is repeated (3 times by
/// default, the order alternating) for min / median / max per repeat. Target: zero early, p99 ≤ 1 s, max ≤ 2 s.
/// </summary>
public sealed class PublishLatenessBenchmark : IBenchmark
{
    public const string Incident = "customer-data-breach";
    public const string Template = "holding-statement"; // needs only the Reviewer's signature
    public const double TargetP99Ms = 1000;
    public const double TargetMaxMs = 2000;

    public string Name => "publish-lateness";

    public string Summary => "publish time − scheduled time for statements scheduled through the staff API, CrisisComms vs stock Hangfire polling";

    public string Options => """
          --count <n>           statements per run (default 100; --quick: 10)
          --min-ahead <s>       earliest schedule, seconds ahead at the moment of the call (default 3; the API refuses < 2)
          --max-ahead <s>       latest schedule, seconds ahead (default 60; --quick: 8)
          --seed <n>            random seed for the offsets, the same for both runs (default 5)
          --grace <s>           how long after the last scheduled time to wait for stragglers (default 30)
          --only <run>          crisiscomms or stock: one run only (no ratio)
          --repeats <n>         how many times both runs are made, the order alternating (default 3; --quick: 1)
          --app <path>          the app's CrisisComms.Web.dll (default: src/CrisisComms.Web's build in this program's configuration, Release with -c Release)
          --quick               harness check: 10 statements, 3–8 s ahead, once
        """;

    /// <summary>The two configurations compared. Settings are passed to the app as --Key=Value.</summary>
    public static readonly IReadOnlyList<RunSpec> Runs =
    [
        new("crisiscomms", "CrisisComms", "defaults: precise timer + Hangfire polling 1 s + sweep 5 s", []),
        new("stock", "stock Hangfire polling", "no timer, Hangfire polling 15 s (its default), sweep 10 min",
            ["Publishing:PreciseTimer=false", "Publishing:HangfirePollingInterval=00:00:15", "Publishing:SweepInterval=00:10:00"]),
    ];

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var settings = new LatenessSettings(
            Count: args.Int("count", quick ? 10 : 100, 1, 10_000),
            MinAheadSeconds: args.Double("min-ahead", 3, 2.5, 3600),
            MaxAheadSeconds: args.Double("max-ahead", quick ? 8 : 60, 2.5, 3600),
            Seed: args.Int("seed", 5, int.MinValue, int.MaxValue),
            GraceSeconds: args.Double("grace", 30, 1, 3600),
            Repeats: args.Int("repeats", quick ? 1 : 3, 1, 50),
            Quick: quick);
        if (settings.MaxAheadSeconds < settings.MinAheadSeconds) throw new UsageException("--max-ahead must not be less than --min-ahead.");
        var only = args.String("only");
        var runs = only is null ? Runs : Runs.Where(r => r.Key == only).ToList();
        if (runs.Count == 0) throw new UsageException($"--only must be one of {string.Join(", ", Runs.Select(r => r.Key))}.");
        var dll = RepoPaths.FindAppDll(context.RepoRoot, args.String("app"));
        args.EnsureAllUsed();

        var time = context.Time;
        var startedAt = time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var stopwatch = Stopwatch.StartNew();
        var offsets = Offsets(settings);
        Console.Error.WriteLine($"publish-lateness: {settings.Count} statements per run, {settings.MinAheadSeconds:0.#}–{settings.MaxAheadSeconds:0.#} s ahead, app {dll}");

        var results = new List<LatenessRun>();
        for (var repeat = 1; repeat <= settings.Repeats; repeat++)
        {
            // Alternate which configuration goes first, so neither always gets the fresher machine.
            var order = repeat % 2 == 1 ? runs : runs.Reverse().ToList();
            foreach (var spec in order)
            {
                var logPath = Path.Combine(context.ResultsDirectory, $"publish-lateness-{stamp}.{spec.Key}{(settings.Repeats > 1 ? $".{repeat}" : "")}.app.log");
                results.Add(await RunOnceAsync(spec, repeat, settings, offsets, dll, logPath, time, ct));
            }
        }

        var report = new LatenessReport(startedAt, MachineInfo.Current(), dll, settings, results, stopwatch.Elapsed);
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        var basePath = Path.Combine(context.ResultsDirectory, $"publish-lateness-{stamp}");
        await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
        await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
        Console.Error.WriteLine($"Wrote {basePath}.md and .json (app logs beside them).");

        var problems = new List<string>();
        foreach (var run in results)
        {
            foreach (var s in run.Samples.Where(s => s.LatenessMs < 0))
                problems.Add(Loud($"EARLY PUBLICATION ({run.Name}, repeat {run.Repeat}): statement {s.StatementId} was published {-s.LatenessMs:0.0} ms BEFORE its scheduled time {StaffApi.FormatTime(s.ScheduledFor)}."));
            foreach (var s in run.Samples.Where(s => s.Publications > 1))
                problems.Add(Loud($"PUBLISHED TWICE ({run.Name}, repeat {run.Repeat}): statement {s.StatementId} has {s.Publications} publications."));
        }
        return BenchmarkResult.Of(report.Figures(), basePath + ".md", problems);
    }

    /// <summary>One offset per statement, uniform in [min, max] seconds, whole milliseconds; the same for every run.</summary>
    internal static IReadOnlyList<TimeSpan> Offsets(LatenessSettings s)
    {
        var random = new Random(s.Seed);
        return Enumerable.Range(0, s.Count)
            .Select(_ => TimeSpan.FromMilliseconds(Math.Round((s.MinAheadSeconds + random.NextDouble() * (s.MaxAheadSeconds - s.MinAheadSeconds)) * 1000)))
            .ToList();
    }

    private static async Task<LatenessRun> RunOnceAsync(RunSpec spec, int repeat, LatenessSettings settings, IReadOnlyList<TimeSpan> offsets, string dll, string logPath, TimeProvider time, CancellationToken ct)
    {
        Console.Error.WriteLine($"[{spec.Name}] repeat {repeat}/{settings.Repeats}: starting the app ({spec.Description})…");
        string[] appSettings = ["Auth:LoginRateLimit:PermitLimit=1000", .. spec.Settings];
        await using var app = await AppProcess.StartAsync(dll, "Development", appSettings, logPath, TimeSpan.FromSeconds(90), ct);
        Console.Error.WriteLine($"[{spec.Name}] ready at {app.BaseAddress} (pid {app.ProcessId}, data {app.DataDirectory})");
        return await MeasureAsync(spec, repeat, settings, offsets, app.BaseAddress,
            () => new LatenessApp(app.ReportedArguments, app.Problems, Path.GetFileName(logPath)), time, ct);
    }

    /// <summary>
    /// The measurement itself, against an app (or a cluster) already running at <paramref name="baseAddress"/> with the demo
    /// accounts: prepare, schedule and wait for <see cref="LatenessSettings.Count"/> statements through its staff API.
    /// <paramref name="app"/> is asked at the end, so the app's log problems include the wait. scale-out calls this on two instances.
    /// </summary>
    internal static async Task<LatenessRun> MeasureAsync(
        RunSpec spec, int repeat, LatenessSettings settings, IReadOnlyList<TimeSpan> offsets, Uri baseAddress, Func<LatenessApp> app, TimeProvider time, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var author = await StaffApi.SignInAsync(http, "author@demo.local", StaffApi.DemoPassword, ct);
        var reviewer = await StaffApi.SignInAsync(http, "reviewer@demo.local", StaffApi.DemoPassword, ct);
        var errors = new List<string>();

        // 1. Prepare: every statement created, submitted and approved before any is scheduled.
        var phase = Stopwatch.StartNew();
        var approved = new List<Guid>();
        for (var i = 0; i < settings.Count; i++)
        {
            try
            {
                var created = await author.CreateStatementAsync(Incident, Template, ct);
                await author.SubmitAsync(created.Id, ct);
                await reviewer.DecideAsync(created.Id, created.RevisionId, "approve", null, ct);
                approved.Add(created.Id);
            }
            catch (StaffApiException e) { errors.Add($"prepare #{i + 1}: {e.Message}"); }
        }
        var prepareSeconds = phase.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"[{spec.Name}] {approved.Count} statements approved in {prepareSeconds:0.0} s; scheduling…");

        // 2. Schedule: each `at` is computed just before its call, so it is at least MinAhead ahead when the server checks.
        phase.Restart();
        var scheduled = new Dictionary<Guid, (int Index, TimeSpan Offset, DateTimeOffset At)>();
        for (var i = 0; i < approved.Count; i++)
        {
            var at = TruncateToMs(time.GetUtcNow() + offsets[i]);
            try
            {
                await author.ScheduleAsync(approved[i], at, ct);
                scheduled[approved[i]] = (i, offsets[i], at);
            }
            catch (StaffApiException e) { errors.Add($"schedule {approved[i]} for {StaffApi.FormatTime(at)}: {e.Message}"); }
        }
        var scheduleSeconds = phase.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"[{spec.Name}] {scheduled.Count} scheduled in {scheduleSeconds:0.0} s; waiting for publication…");

        // 3. Wait: one list request per tick; the detail (with publishedAt) only for statements that left "scheduled".
        phase.Restart();
        var samples = new Dictionary<Guid, LatenessSample>();
        var deadline = scheduled.Count == 0 ? time.GetUtcNow() : scheduled.Values.Max(s => s.At) + TimeSpan.FromSeconds(settings.GraceSeconds);
        var lastProgress = time.GetUtcNow();
        while (samples.Count < scheduled.Count && time.GetUtcNow() < deadline)
        {
            try
            {
                var list = await author.ListStatementsAsync(Incident, ct);
                foreach (var item in list.Where(l => scheduled.ContainsKey(l.Id) && !samples.ContainsKey(l.Id) && l.State != "scheduled"))
                    samples[item.Id] = await SampleAsync(author, item.Id, scheduled[item.Id], errors, ct);
            }
            catch (StaffApiException e) { errors.Add($"poll: {e.Message}"); }
            if (time.GetUtcNow() - lastProgress > TimeSpan.FromSeconds(10))
            {
                Console.Error.WriteLine($"[{spec.Name}] {samples.Count}/{scheduled.Count} out");
                lastProgress = time.GetUtcNow();
            }
            await Pause.ForAsync(TimeSpan.FromMilliseconds(500), time, ct);
        }
        // Whatever is still out: one last look, so the report says which state it was left in.
        foreach (var (id, s) in scheduled.Where(kv => !samples.ContainsKey(kv.Key)))
        {
            try { samples[id] = await SampleAsync(author, id, s, errors, ct); }
            catch (StaffApiException e) { errors.Add($"final check {id}: {e.Message}"); }
        }
        var waitSeconds = phase.Elapsed.TotalSeconds;

        var ordered = samples.Values.OrderBy(s => s.Index).ToList();
        var lateness = ordered.Where(s => s.LatenessMs is not null).Select(s => s.LatenessMs!.Value).ToList();
        var measured = app();
        var run = new LatenessRun(
            spec.Key, repeat, spec.Name, spec.Description, measured.Arguments,
            settings.Count, approved.Count, scheduled.Count,
            Published: lateness.Count,
            NotPublished: scheduled.Count - lateness.Count,
            Early: lateness.Count(l => l < 0),
            Lateness: Distribution.Of(lateness),
            Triggers: ordered.Where(s => s.Trigger is not null).GroupBy(s => s.Trigger!).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            Errors: errors,
            AppProblems: measured.Problems,
            AppLog: measured.Log,
            PrepareSeconds: prepareSeconds, ScheduleSeconds: scheduleSeconds, WaitSeconds: waitSeconds,
            Samples: ordered);
        Console.Error.WriteLine($"[{spec.Name}] {run.Published}/{run.Scheduled} published, {run.Early} early, p99 {run.Lateness?.P99:0.0} ms, max {run.Lateness?.Max:0.0} ms; stopping the app.");
        return run;
    }

    private static async Task<LatenessSample> SampleAsync(StaffApi api, Guid id, (int Index, TimeSpan Offset, DateTimeOffset At) s, List<string> errors, CancellationToken ct)
    {
        var detail = await api.GetStatementAsync(id, ct);
        var first = detail.Publications.OrderBy(p => p.PublishedAt).FirstOrDefault();
        if (first is null && detail.State == "published") errors.Add($"{id}: state published but no publication listed");
        if (first is null && detail.State != "scheduled") errors.Add($"{id}: left \"scheduled\" without a publication (state {detail.State})");
        if (detail.ScheduledFor is { } server && server != s.At)
            errors.Add($"{id}: scheduled for {StaffApi.FormatTime(s.At)} but the server says {StaffApi.FormatTime(server)}");
        if (first is not null && first.RevisionId != detail.CurrentRevisionId)
            errors.Add($"{id}: published revision {first.RevisionId}, current is {detail.CurrentRevisionId}");
        return new LatenessSample(
            s.Index, id, s.Offset.TotalMilliseconds, s.At, detail.ScheduledFor, detail.State,
            first?.PublishedAt, first is null ? null : (first.PublishedAt - s.At).TotalMilliseconds, first?.Trigger, detail.Publications.Count);
    }

    private static DateTimeOffset TruncateToMs(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, t.Offset);

    private static string Loud(string message)
    {
        var bar = new string('!', Math.Min(message.Length, 100));
        Console.Error.WriteLine($"{bar}\n{message}\n{bar}");
        return message;
    }
}

public sealed record RunSpec(string Key, string Name, string Description, IReadOnlyList<string> Settings);

/// <summary>What a lateness run reports about the app it measured: its arguments, its logged problems, its log file(s).</summary>
public sealed record LatenessApp(IReadOnlyList<string> Arguments, IReadOnlyList<string> Problems, string Log);

public sealed record LatenessSettings(int Count, double MinAheadSeconds, double MaxAheadSeconds, int Seed, double GraceSeconds, int Repeats, bool Quick);

/// <summary>One statement: when it was asked for, and when and how it went out (null when it did not).</summary>
public sealed record LatenessSample(
    int Index, Guid StatementId, double OffsetMs, DateTimeOffset ScheduledFor, DateTimeOffset? ServerScheduledFor, string State,
    DateTimeOffset? PublishedAt, double? LatenessMs, string? Trigger, int Publications);

public sealed record LatenessRun(
    string Key, int Repeat, string Name, string Description, IReadOnlyList<string> AppArguments,
    int Requested, int Prepared, int Scheduled, int Published, int NotPublished, int Early,
    Distribution? Lateness, IReadOnlyDictionary<string, int> Triggers, IReadOnlyList<string> Errors, IReadOnlyList<string> AppProblems,
    string AppLog, double PrepareSeconds, double ScheduleSeconds, double WaitSeconds, IReadOnlyList<LatenessSample> Samples)
{
    public bool MeetsTarget =>
        Scheduled == Requested && NotPublished == 0 && Early == 0 && Lateness is { } l
        && l.P99 <= PublishLatenessBenchmark.TargetP99Ms && l.Max <= PublishLatenessBenchmark.TargetMaxMs;
}
