using CrisisComms.Benchmarks;
using CrisisComms.Benchmarks.Benchmarks;

// dotnet run --project tests/CrisisComms.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark is one IBenchmark class; add new ones to this list.
return await BenchmarkRunner.RunAsync(args, [new PublishLatenessBenchmark()]);
