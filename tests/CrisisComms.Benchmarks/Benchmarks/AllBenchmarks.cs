using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// <c>all</c>: every benchmark in sequence in this one process, each with its defaults (or <c>--quick</c>), then one
/// summary of every figure against its baseline, written as <c>results/all-&lt;UTC time&gt;.md</c> and <c>.json</c> with
/// the date, the machine, the commit and the mode. A benchmark that throws or leaves a figure (or its baseline)
/// without a value is marked failed, the others still run, the files are still written, and the exit code is 1.
/// Missed targets do not fail the run: CI checks that the figures are produced, not what they are.
/// </summary>
public sealed class AllBenchmarks(IReadOnlyList<IBenchmark> benchmarks) : IBenchmark
{
    /// <summary>The benchmarks that drive Chromium and so need the app published (static web assets); they share one publish.</summary>
    private static readonly HashSet<string> NeedPublishedApp = ["event-to-screen", "circuit-memory"];

    public string Name => "all";

    public string Summary => "every benchmark in sequence, then one Markdown + JSON summary of every figure against its baseline";

    public string Options => $"""
          --quick               every benchmark's harness check (what CI runs): proves that the figures are produced
          --only <list>         comma-separated benchmark names to run, e.g. render,cold-start (default: all of them)
          --skip <list>         comma-separated benchmark names to leave out
        Runs, in this order: {string.Join(", ", benchmarks.Select(b => b.Name))}.
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var args = context.Args;
        var quick = args.Flag("quick");
        var only = Names(args.String("only"));
        var skip = Names(args.String("skip"));
        args.EnsureAllUsed();
        var selected = benchmarks.Where(b => (only.Count == 0 || only.Contains(b.Name)) && !skip.Contains(b.Name)).ToList();
        if (selected.Count == 0) throw new UsageException("--only/--skip left no benchmark to run.");

        var startedAt = context.Time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine(context.ResultsDirectory, $"all-{stamp}");
        var total = Stopwatch.StartNew();
        var git = await GitInfo.ReadAsync(context.RepoRoot, ct);
        var command = "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- all" + (quick ? " --quick" : "")
                      + (only.Count > 0 ? " --only " + string.Join(',', only) : "") + (skip.Count > 0 ? " --skip " + string.Join(',', skip) : "");
        var log = (string what) => Console.Error.WriteLine($"[all] {what}");
        log($"{(quick ? "quick" : "full")} run of {string.Join(", ", selected.Select(b => b.Name))}; commit {git}");

        var outcomes = new List<AllOutcome>();
        PublishedApp? published = null;
        string? publishError = null;
        try
        {
            // One Release publish for the browser benchmarks instead of one each.
            if (selected.Any(b => NeedPublishedApp.Contains(b.Name)))
            {
                log("publishing the app (Release) for the browser benchmarks…");
                try
                {
                    published = await PublishedApp.PublishAsync(
                        Path.Combine(context.RepoRoot, "src", "CrisisComms.Web", "CrisisComms.Web.csproj"), "CrisisComms.Web", null, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    publishError = e.Message;
                    log($"publishing failed: {e.Message}");
                }
            }

            foreach (var benchmark in selected)
            {
                var options = new List<string>();
                if (quick) options.Add("--quick");
                if (NeedPublishedApp.Contains(benchmark.Name) && published is not null) options.AddRange(["--app", published.Dll]);
                log($"── {benchmark.Name} {string.Join(' ', options)}");
                var watch = Stopwatch.StartNew();
                try
                {
                    if (NeedPublishedApp.Contains(benchmark.Name) && publishError is not null)
                        throw new InvalidOperationException("the app could not be published: " + publishError);
                    var result = await benchmark.RunAsync(context with { Args = new ArgReader(options) }, ct);
                    outcomes.Add(AllOutcome.From(benchmark.Name, result, watch.Elapsed));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    outcomes.Add(AllOutcome.Failed(benchmark.Name, "cancelled (Ctrl-C)", watch.Elapsed));
                    throw;
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                    outcomes.Add(AllOutcome.Failed(benchmark.Name, e.Message, watch.Elapsed));
                }
                finally
                {
                    // Each benchmark stops what it started; this is the safety net before the next one measures.
                    ServerProcess.KillAll();
                }
                var last = outcomes[^1];
                log($"── {benchmark.Name}: {last.Status} in {last.Seconds:0} s{(last.Error is null ? "" : ": " + FirstLine(last.Error))}");
            }
        }
        finally
        {
            published?.Dispose();
            // Written whatever happened, cancellation included, marking what failed or did not run.
            foreach (var missing in selected.Where(b => outcomes.All(o => o.Benchmark != b.Name)))
                outcomes.Add(AllOutcome.Failed(missing.Name, "not run (the run was stopped before it)", TimeSpan.Zero));
            var report = new AllReport(startedAt, quick, command, MachineInfo.Current(), git, outcomes, total.Elapsed);
            var markdown = report.ToMarkdown();
            await File.WriteAllTextAsync(basePath + ".md", markdown, CancellationToken.None);
            await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), CancellationToken.None);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"Wrote {basePath}.md and .json.");
        }

        var failed = outcomes.Where(o => o.Status == AllOutcome.StatusFailed).ToList();
        if (failed.Count > 0) Console.Error.WriteLine($"all: {failed.Count} benchmark(s) produced no figures: {string.Join(", ", failed.Select(f => f.Benchmark))}.");
        return new BenchmarkResult(failed.Count > 0 ? BenchmarkRunner.ExitFailed : BenchmarkRunner.ExitOk,
            [.. outcomes.SelectMany(o => o.Figures)], basePath + ".md", [.. failed.Select(f => $"{f.Benchmark}: {f.Error}")]);
    }

    private HashSet<string> Names(string? list)
    {
        var names = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = names.Where(n => benchmarks.All(b => !string.Equals(b.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown benchmark(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}.");
        return names;
    }

    private static string FirstLine(string s) => s.Split('\n')[0];
}

/// <summary>How one benchmark went in an <c>all</c> run.</summary>
public sealed record AllOutcome(string Benchmark, string Status, int? ExitCode, double Seconds, IReadOnlyList<Figure> Figures, string? Report, IReadOnlyList<string> Problems, string? Error)
{
    public const string StatusOk = "ok";
    public const string StatusProblems = "ok, with problems";
    public const string StatusFailed = "FAILED";

    public static AllOutcome From(string benchmark, BenchmarkResult result, TimeSpan elapsed)
    {
        var missing = result.Figures.Where(f => f.Value is null || (f.Baseline is not null && f.BaselineValue is null)).ToList();
        string? error = result.Figures.Count == 0 ? "it returned no figures"
            : missing.Count > 0 ? "no value for " + string.Join("; ", missing.Select(f => f.Value is null ? f.Name : $"{f.Name} (baseline)"))
            : null;
        var status = error is not null ? StatusFailed : result.ExitCode == 0 ? StatusOk : StatusProblems;
        return new AllOutcome(benchmark, status, result.ExitCode, elapsed.TotalSeconds, result.Figures, result.ReportPath, result.Problems, error);
    }

    public static AllOutcome Failed(string benchmark, string error, TimeSpan elapsed) =>
        new(benchmark, StatusFailed, null, elapsed.TotalSeconds, [], null, [], error);
}

/// <summary>The <c>all</c> summary as Markdown and JSON.</summary>
public sealed record AllReport(DateTimeOffset StartedAt, bool Quick, string Command, MachineInfo Machine, GitInfo Git, IReadOnlyList<AllOutcome> Outcomes, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(new
    {
        date = StartedAt,
        mode = Quick ? "quick" : "full",
        command = Command,
        machine = Machine,
        git = Git,
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
        ok = Outcomes.All(o => o.Status != AllOutcome.StatusFailed),
        ratio = "value ÷ baseline",
        benchmarks = Outcomes,
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"## CrisisComms benchmarks — {StartedAt:yyyy-MM-dd HH:mm} UTC, {(Quick ? "quick run (harness check: the figures are produced, not yet repeatable)" : "full run")}"));
        md.AppendLine();
        md.AppendLine(Inv($"Machine: {Machine}. Commit: {Git}. Run time: {Duration.TotalMinutes:0.0} min. Command: `{Command}`."));
        md.AppendLine();
        md.AppendLine("Every figure is measured against its baseline in the same run on the same machine; ratio = value ÷ baseline. Min / median / max are over the repeated runs each figure comes from (rounds, repeats, starts or BenchmarkDotNet iterations; the ratio's are round by round).");
        md.AppendLine();
        md.AppendLine(Figure.TableHeader);
        foreach (var o in Outcomes)
        {
            if (o.Figures.Count == 0) md.AppendLine(Inv($"| {o.Benchmark} | **{o.Status}**: {Clip(o.Error ?? "")} | | | | | | | | |"));
            foreach (var f in o.Figures) md.AppendLine(f.TableRow());
        }
        md.AppendLine();
        md.AppendLine("| benchmark | status | time | report |");
        md.AppendLine("|---|---|--:|---|");
        foreach (var o in Outcomes)
            md.AppendLine(Inv($"| {o.Benchmark} | {(o.Status == AllOutcome.StatusOk ? o.Status : $"**{o.Status}**")} | {o.Seconds:0} s | {(o.Report is null ? "—" : $"`{Path.GetFileName(o.Report)}`")} |"));
        foreach (var o in Outcomes.Where(o => o.Error is not null || o.Problems.Count > 0))
        {
            md.AppendLine();
            if (o.Error is not null) md.AppendLine(Inv($"- **{o.Benchmark} failed:** {Clip(o.Error)}"));
            foreach (var p in o.Problems.Take(5)) md.AppendLine(Inv($"- {o.Benchmark}: {Clip(p)}"));
        }
        return md.ToString();
    }

    private static string Clip(string s) => (s.Length > 400 ? s[..400] + "…" : s).ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
