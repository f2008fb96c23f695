using CrisisComms.Benchmarks;
using CrisisComms.Benchmarks.Benchmarks;

// dotnet run --project tests/CrisisComms.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark is one IBenchmark class; add new ones to this list.
// "static-server" and "bare-hub" are not benchmarks: public-page and event-to-screen start this program again with
// them as their reference servers.
if (args.Length > 0 && args[0] == StaticFileServer.Command)
    return await StaticFileServer.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == BareHubServer.Command)
    return await BareHubServer.RunAsync(args[1..]);

return await BenchmarkRunner.RunAsync(args, [new PublishLatenessBenchmark(), new PublicPageBenchmark(), new EventToScreenBenchmark(), new CircuitMemoryBenchmark()]);
