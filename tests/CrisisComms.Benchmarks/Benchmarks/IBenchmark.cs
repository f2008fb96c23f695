namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>One benchmark, run as a subcommand: <c>dotnet run --project tests/CrisisComms.Benchmarks -c Release -- &lt;name&gt; [options]</c>.</summary>
public interface IBenchmark
{
    /// <summary>The subcommand, e.g. <c>publish-lateness</c>.</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>The options, one per line, for <c>--help</c>.</summary>
    string Options { get; }

    /// <summary>
    /// Runs the benchmark, writes its own Markdown and JSON report into the results folder, and returns its figures
    /// (each against its baseline from the same run) with an exit code. Throws when it cannot produce them.
    /// </summary>
    Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken ct);
}

/// <summary>What every benchmark gets: its options, the repository, where results go, and the clock.</summary>
public sealed record BenchmarkContext(ArgReader Args, string RepoRoot, string ResultsDirectory, TimeProvider Time);
