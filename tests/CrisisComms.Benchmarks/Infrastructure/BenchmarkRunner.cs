using System.Runtime.InteropServices;
using CrisisComms.Benchmarks.Benchmarks;

namespace CrisisComms.Benchmarks;

/// <summary>Picks the benchmark named by the first argument, wires Ctrl-C / SIGTERM to cancellation, and maps failures to exit codes.</summary>
public static class BenchmarkRunner
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 64;
    public const int ExitCancelled = 130;

    public static async Task<int> RunAsync(string[] args, IReadOnlyList<IBenchmark> benchmarks)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(benchmarks);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }
        var benchmark = benchmarks.FirstOrDefault(b => string.Equals(b.Name, args[0], StringComparison.OrdinalIgnoreCase));
        if (benchmark is null)
        {
            Console.Error.WriteLine($"Unknown benchmark \"{args[0]}\".");
            PrintUsage(benchmarks);
            return ExitUsage;
        }

        var options = new ArgReader(args.Skip(1));
        if (options.Flag("help") || options.Flag("h"))
        {
            Console.WriteLine($"{benchmark.Name}: {benchmark.Summary}\n\nOptions:\n{benchmark.Options}");
            return ExitOk;
        }

        using var cts = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        // Last resort when the process goes down some other way (a second Ctrl-C, an unhandled crash): no server is left running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ServerProcess.KillAll();

        try
        {
            var repoRoot = RepoPaths.FindRepoRoot();
            var results = Path.Combine(repoRoot, "tests", "CrisisComms.Benchmarks", "results");
            RepoPaths.EnsureResultsDirectory(results);
            var result = await benchmark.RunAsync(new BenchmarkContext(options, repoRoot, results, TimeProvider.System), cts.Token);
            if (benchmark is not AllBenchmarks)
            {
                // The same rows "all" would show for it.
                Console.Error.WriteLine($"\nFigures (ratio = value ÷ baseline):\n{Figure.TableHeader}");
                foreach (var f in result.Figures) Console.Error.WriteLine(f.TableRow());
            }
            return result.ExitCode;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled; every server it started was stopped and their temporary folders removed.");
            return ExitCancelled;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitUsage;
        }
        catch (AppStartException e)
        {
            Console.Error.WriteLine($"{benchmark.Name} failed: {e.Message}");
            return ExitFailed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{benchmark.Name} failed: {e.Message}");
            Console.Error.WriteLine(e);
            return ExitFailed;
        }
        finally
        {
            ServerProcess.KillAll();
        }

        void Cancel(PosixSignalContext context)
        {
            if (cts.IsCancellationRequested)
            {
                // A second Ctrl-C: the clean-up is taking too long. Let the process end; ProcessExit still stops every server.
                Console.Error.WriteLine($"{context.Signal} again: exiting now.");
                return;
            }
            context.Cancel = true; // let the finally blocks stop the servers and delete their folders
            Console.Error.WriteLine($"{context.Signal}: stopping… (again to exit at once)");
            cts.Cancel();
        }
    }

    private static void PrintUsage(IReadOnlyList<IBenchmark> benchmarks)
    {
        Console.WriteLine("CrisisComms benchmarks. Usage: dotnet run --project tests/CrisisComms.Benchmarks -c Release -- <benchmark> [options]\n");
        foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-20} {b.Summary}");
        Console.WriteLine("\n<benchmark> --help lists its options.");
    }
}

/// <summary>A bad command line: printed without a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
