using CrisisComms.Benchmarks;
using CrisisComms.Benchmarks.Benchmarks;

// dotnet run --project tests/CrisisComms.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark is one IBenchmark class; add new ones to this list.
// "static-server" is not a benchmark: public-page starts this program again with it as its reference server.
if (args.Length > 0 && args[0] == StaticFileServer.Command)
    return await StaticFileServer.RunAsync(args[1..]);

return await BenchmarkRunner.RunAsync(args, [new PublishLatenessBenchmark(), new PublicPageBenchmark()]);
