using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Validators;
using CrisisComms.Web.Features.Statements;
using Markdig;
using Perfolizer.Horology;

namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Statement rendering with BenchmarkDotNet: the app's own <see cref="StatementRenderer.Render"/> (Liquid through Fluid →
/// Markdig → HtmlSanitizer, plus the content hash) on a ~5 KB CEO apology, against Markdig alone on the same,
/// already-substituted Markdown with the app's Markdig pipeline. Runs in this process (BenchmarkDotNet's in-process
/// toolchain: no project is generated or rebuilt), so it needs this program built in Release, as
/// <c>dotnet run -c Release</c> does.
/// </summary>
public sealed class RenderBenchmark : IBenchmark
{
    public string Name => "render";

    public string Summary => "statement rendering (Liquid → Markdig → sanitiser) of a 5 KB statement vs Markdig alone, with BenchmarkDotNet";

    public string Options => """
          --quick               harness check: 1 warm-up and 3 measured iterations of 100 ms per method (default: BenchmarkDotNet's
                                own job, which runs until the result is stable)
        """;

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var quick = context.Args.Flag("quick");
        context.Args.EnsureAllUsed();
        var startedAt = context.Time.GetUtcNow();
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine(context.ResultsDirectory, $"render-{stamp}");
        var stopwatch = Stopwatch.StartNew();

        // The statement must render cleanly, or the benchmark would time the error path.
        var input = StatementRenderingBenchmarks.Prepare();
        Console.Error.WriteLine($"[render] statement: {Encoding.UTF8.GetByteCount(RenderStatement.Body):N0} bytes of template → {input.MarkdownBytes:N0} bytes of Markdown → {input.HtmlBytes:N0} bytes of HTML; Markdig pipeline: {input.PipelineSource}");

        var job = (quick
                ? Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100)).WithId("quick")
                : Job.Default.WithId("full"))
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            // Timing a Debug build would be meaningless: fail instead.
            .AddValidator(JitOptimizationsValidator.FailOnError, BaselineValidator.FailOnError)
            .WithArtifactsPath(basePath + "-bdn");

        // BenchmarkDotNet blocks and cannot be cancelled: it runs on a pool thread, and on Ctrl-C this stops waiting for
        // it (the runner then cleans up and the process exits, taking that thread with it).
        ct.ThrowIfCancellationRequested();
        var summary = await Task.Run(() => BenchmarkDotNet.Running.BenchmarkRunner.Run<StatementRenderingBenchmarks>(config), ct).WaitAsync(ct);
        if (summary.HasCriticalValidationErrors)
            throw new InvalidOperationException("BenchmarkDotNet refused to run: " + string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));

        var rows = summary.Reports.Select(RenderRow.From).ToList();
        var failed = rows.Where(r => r.MeanNs is null).Select(r => r.Method).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException($"BenchmarkDotNet produced no measurements for {string.Join(", ", failed)}; see {basePath}-bdn.");

        var report = new RenderReport(startedAt, MachineInfo.Current(), quick, input, rows, basePath + "-bdn", stopwatch.Elapsed);
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(basePath + ".md", markdown, ct);
        await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), ct);
        Console.Error.WriteLine($"Wrote {basePath}.md and .json (BenchmarkDotNet's own reports in {basePath}-bdn).");
        return BenchmarkResult.Of(report.Figures(), basePath + ".md", []);
    }
}

/// <summary>
/// The methods BenchmarkDotNet times. Public and not sealed, as it requires. Every method renders the same statement:
/// <see cref="MarkdigAlone"/> is the baseline.
/// </summary>
[MemoryDiagnoser]
public class StatementRenderingBenchmarks
{
    public const string PipelineMethod = nameof(Pipeline);
    public const string MarkdigMethod = nameof(MarkdigAlone);
    public const string MarkdigSanitiserMethod = nameof(MarkdigAndSanitiser);

    private StatementRenderer _renderer = null!;
    private LiquidModel _model = null!;
    private MarkdownPipeline _markdig = null!;
    private string _markdown = "";

    /// <summary>The inputs and what they render to; throws when the statement does not render cleanly.</summary>
    public sealed record Input(StatementRenderer Renderer, LiquidModel Model, MarkdownPipeline Markdig, string PipelineSource, string Markdown, int MarkdownBytes, int HtmlBytes);

    public static Input Prepare()
    {
        var renderer = new StatementRenderer();
        var model = RenderStatement.Model();
        var outcome = renderer.Render(RenderStatement.Title, RenderStatement.Body, model);
        if (!outcome.Ok)
            throw new InvalidOperationException("The benchmark statement does not render: " + string.Join("; ", outcome.Problems));
        var (pipeline, source) = AppMarkdigPipeline();
        var markdown = outcome.Result!.Markdown;
        return new Input(renderer, model, pipeline, source, markdown, Encoding.UTF8.GetByteCount(markdown), Encoding.UTF8.GetByteCount(outcome.Result.Html));
    }

    /// <summary>The app's own Markdig pipeline, so that the baseline cannot drift from it.</summary>
    private static (MarkdownPipeline Pipeline, string Source) AppMarkdigPipeline() =>
        (StatementRenderer.Markdown, "the app's own (StatementRenderer.Markdown: raw HTML disabled, pipe tables, auto-links)");

    [GlobalSetup]
    public void Setup()
    {
        var input = Prepare();
        (_renderer, _model, _markdig, _markdown) = (input.Renderer, input.Model, input.Markdig, input.Markdown);
    }

    /// <summary>The app's whole pipeline: Liquid (Fluid, strict) → Markdig → HtmlSanitizer, and the SHA-256 content hash.</summary>
    [Benchmark(Description = "Liquid → Markdig → sanitiser (StatementRenderer.Render)")]
    public RenderOutcome Pipeline() => _renderer.Render(RenderStatement.Title, RenderStatement.Body, _model);

    /// <summary>The app's second and third stages on the substituted text: where the sanitiser's share shows.</summary>
    [Benchmark(Description = "Markdig → sanitiser (StatementRenderer.MarkdownToSafeHtml)")]
    public string MarkdigAndSanitiser() => _renderer.MarkdownToSafeHtml(_markdown);

    /// <summary>The baseline: Markdig alone, same pipeline, same substituted text.</summary>
    [Benchmark(Baseline = true, Description = "Markdig alone")]
    public string MarkdigAlone() => Markdown.ToHtml(_markdown, _markdig);
}

/// <summary>One method's result: times in nanoseconds per operation (statistics over BenchmarkDotNet's iterations), bytes allocated per operation.</summary>
public sealed record RenderRow(string Method, string Description, double? MeanNs, double? MedianNs, double? MinNs, double? MaxNs, double? StdDevNs, int Iterations, long? AllocatedBytes)
{
    public static RenderRow From(BenchmarkReport report)
    {
        var stats = report.ResultStatistics;
        return new RenderRow(
            report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
            report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
            stats?.Mean, stats?.Median, stats?.Min, stats?.Max, stats?.StandardDeviation, stats?.N ?? 0,
            report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
    }
}

/// <summary>The render result as Markdown (stdout, .md) and JSON (.json).</summary>
public sealed record RenderReport(
    DateTimeOffset StartedAt, MachineInfo Machine, bool Quick, StatementRenderingBenchmarks.Input Input, IReadOnlyList<RenderRow> Rows, string Artifacts, TimeSpan Duration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private RenderRow? Row(string method) => Rows.FirstOrDefault(r => r.Method == method);

    public string Command => "dotnet run --project tests/CrisisComms.Benchmarks -c Release -- render" + (Quick ? " --quick" : "");

    /// <summary>The figures for the <c>all</c> summary, in microseconds and KB; min / median / max over BenchmarkDotNet's iterations.</summary>
    public IReadOnlyList<Figure> Figures()
    {
        const string bench = "render";
        var markdig = Row(StatementRenderingBenchmarks.MarkdigMethod);
        var baseline = "Markdig alone, same text and pipeline";
        static double? Us(double? ns) => ns / 1000;
        static Spread? Iterations(RenderRow? r) => r?.MinNs is { } min ? new Spread(r.Iterations, min / 1000, r.MedianNs!.Value / 1000, r.MaxNs!.Value / 1000) : null;
        var figures = new List<Figure>();
        foreach (var (method, label) in new[]
                 {
                     (StatementRenderingBenchmarks.PipelineMethod, "5 KB statement, Liquid → Markdig → sanitiser"),
                     (StatementRenderingBenchmarks.MarkdigSanitiserMethod, "5 KB statement, Markdig → sanitiser"),
                 })
        {
            var row = Row(method);
            figures.Add(new Figure(bench, label + ", mean", "µs", Us(row?.MeanNs), baseline, Us(markdig?.MeanNs), Iterations(row), Note: "min / median / max over iterations"));
            figures.Add(new Figure(bench, label + ", allocated", "KB", row?.AllocatedBytes / 1024.0, baseline, markdig?.AllocatedBytes / 1024.0, Note: "per operation"));
        }
        return figures;
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        benchmark = "render",
        date = StartedAt,
        command = Command,
        machine = Machine,
        quick = Quick,
        statement = new { templateBytes = Encoding.UTF8.GetByteCount(RenderStatement.Body), markdownBytes = Input.MarkdownBytes, htmlBytes = Input.HtmlBytes, markdigPipeline = Input.PipelineSource },
        unit = new { time = "ns per operation", allocated = "bytes per operation" },
        rows = Rows,
        ratioToMarkdigAlone = Rows.ToDictionary(r => r.Method, r => new
        {
            mean = Row(StatementRenderingBenchmarks.MarkdigMethod)?.MeanNs is > 0 and var m ? r.MeanNs / m : null,
            allocated = Row(StatementRenderingBenchmarks.MarkdigMethod)?.AllocatedBytes is > 0 and var a ? r.AllocatedBytes / (double?)a : null,
        }),
        benchmarkDotNetArtifacts = Artifacts,
        durationSeconds = Math.Round(Duration.TotalSeconds, 1),
    }, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var markdig = Row(StatementRenderingBenchmarks.MarkdigMethod);
        md.AppendLine(Inv($"## Statement rendering — {StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        md.AppendLine();
        md.AppendLine(Inv($"A CEO apology for an airline data breach (fictional airline): {Encoding.UTF8.GetByteCount(RenderStatement.Body):N0} bytes of Markdown with Liquid placeholders, {Input.MarkdownBytes:N0} bytes once they are filled in from 16 facts, {Input.HtmlBytes:N0} bytes of HTML. BenchmarkDotNet, in-process toolchain, memory diagnoser; {(Quick ? "**quick job (harness check): 1 warm-up and 3 iterations of 100 ms**" : "its default job (runs until stable)")}. Baseline: Markdig alone on the substituted text with {Input.PipelineSource}."));
        md.AppendLine();
        md.AppendLine("| method | mean | median | min | max | allocated | ÷ Markdig alone (mean) | ÷ Markdig alone (allocated) |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in Rows)
            md.AppendLine(Inv($"| {r.Description} | {Us(r.MeanNs)} | {Us(r.MedianNs)} | {Us(r.MinNs)} | {Us(r.MaxNs)} | {Kb(r.AllocatedBytes)} | {Figure.FormatRatio(r.MeanNs / markdig?.MeanNs)} | {Figure.FormatRatio(r.AllocatedBytes / (double?)markdig?.AllocatedBytes)} |"));
        md.AppendLine();
        md.AppendLine("- `StatementRenderer.Render` is what the app runs on every save and preview: Fluid parses the template (it is not cached between calls), renders it with strict placeholders, then Markdig, then HtmlSanitizer (AngleSharp parses the HTML), then SHA-256 over title and HTML.");
        md.AppendLine(Inv($"- Command: `{Command}`"));
        md.AppendLine(Inv($"- Machine: {Machine}"));
        md.AppendLine(Inv($"- BenchmarkDotNet's own reports: `{Artifacts}`"));
        md.AppendLine(Inv($"- Run time: {Duration.TotalSeconds:0} s"));
        return md.ToString();
    }

    private static string Us(double? ns) => ns is { } v ? (v / 1000).ToString(v < 100_000 ? "0.0" : "N0", CultureInfo.InvariantCulture) + " µs" : "—";

    private static string Kb(long? bytes) => bytes is { } b ? (b / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " KB" : "—";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
