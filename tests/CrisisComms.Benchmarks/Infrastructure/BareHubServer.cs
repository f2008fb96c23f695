using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisComms.Benchmarks;

/// <summary>
/// The reference for event-to-screen: a bare SignalR broadcast. Kestrel with one hub at <see cref="HubPath"/>
/// (no authentication, no groups) and <c>POST /broadcast</c>, which hands its JSON body to
/// <c>Clients.All.SendAsync("change", body)</c> and answers once that has been written to every connection.
/// Runs as its own process (the benchmark program started again with the <c>bare-hub</c> subcommand), in
/// Production with Server GC like the app, so both sides are a separate <c>dotnet</c> process with default settings.
/// </summary>
public static class BareHubServer
{
    public const string Command = "bare-hub";
    public const string HubPath = "/hub";
    public const string Message = "change";

    /// <summary>The arguments that start it: <c>bare-hub --urls &lt;url&gt;</c>.</summary>
    public static IReadOnlyList<string> Arguments(Uri url) =>
        [typeof(BareHubServer).Assembly.Location, Command, "--urls", url.ToString().TrimEnd('/')];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ArgReader(args);
        var urls = options.String("urls") ?? throw new UsageException("bare-hub needs --urls <url>.");
        options.EnsureAllUsed();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = "CrisisComms.Benchmarks.BareHub",
        });
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();

        var app = builder.Build();
        app.MapGet("/", () => "bare hub");
        app.MapHub<BareHub>(HubPath);
        app.MapPost("/broadcast", async (JsonElement payload, IHubContext<BareHub> hub, CancellationToken ct) =>
        {
            await hub.Clients.All.SendAsync(Message, payload, ct);
            return Results.NoContent();
        });
        await app.RunAsync();
        return 0;
    }
}

/// <summary>A hub with nothing in it: clients connect and are sent what /broadcast gets.</summary>
public sealed class BareHub : Hub;
