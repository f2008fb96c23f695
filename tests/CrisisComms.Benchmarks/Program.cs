using CrisisComms.Benchmarks;
using CrisisComms.Benchmarks.Benchmarks;

// dotnet run --project tests/CrisisComms.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark is one IBenchmark class; add new ones to this list. "all" runs them in this order (the issue's).
// "static-server" and "bare-hub" are not benchmarks: public-page, cold-start and event-to-screen start this program
// again with them as their reference servers.
if (args.Length > 0 && args[0] == StaticFileServer.Command)
    return await StaticFileServer.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == BareHubServer.Command)
    return await BareHubServer.RunAsync(args[1..]);

IBenchmark[] benchmarks =
[
    new PublicPageBenchmark(),
    new PublishLatenessBenchmark(),
    new EventToScreenBenchmark(),
    new ScaleOutBenchmark(),
    new CircuitMemoryBenchmark(),
    new RenderBenchmark(),
    new HostilePreviewBenchmark(),
    new ColdStartBenchmark(),
];
return await BenchmarkRunner.RunAsync(args, [new AllBenchmarks(benchmarks), .. benchmarks]);
