using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace CrisisComms.Benchmarks;

/// <summary>
/// The reference server for public-page: Kestrel with only UseDefaultFiles + UseStaticFiles over one folder,
/// in Production, as its own process (the benchmark program started again with the <c>static-server</c>
/// subcommand), so it and the app are both a separate <c>dotnet</c> process with default Kestrel settings.
/// </summary>
public static class StaticFileServer
{
    public const string Command = "static-server";

    /// <summary>The arguments that start it: <c>static-server --root &lt;folder&gt; --urls &lt;url&gt;</c>.</summary>
    public static IReadOnlyList<string> Arguments(string root, Uri url) =>
        [typeof(StaticFileServer).Assembly.Location, Command, "--root", root, "--urls", url.ToString().TrimEnd('/')];

    /// <summary>
    /// Starts it as its own process serving <paramref name="root"/> on <paramref name="url"/>, with Server GC like the
    /// app (the Web SDK's default), and waits until <c>/</c> answers 200.
    /// </summary>
    public static Task<ServerProcess> StartAsync(string root, Uri url, string logPath, CancellationToken ct, TimeSpan? pollInterval = null) =>
        ServerProcess.StartAsync(new ServerProcess.StartInfo("the static-file server", "dotnet", Arguments(root, url), url, logPath, ReadyPath: "", TimeSpan.FromSeconds(60))
        {
            Environment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" },
            PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(100),
        }, ct);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ArgReader(args);
        var root = options.String("root") ?? throw new UsageException("static-server needs --root <folder>.");
        var urls = options.String("urls") ?? throw new UsageException("static-server needs --urls <url>.");
        options.EnsureAllUsed();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new UsageException($"static-server: no folder {root}.");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = root,
            WebRootPath = root,
            ApplicationName = "CrisisComms.Benchmarks.StaticFileServer",
        });
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        await app.RunAsync();
        return 0;
    }
}
