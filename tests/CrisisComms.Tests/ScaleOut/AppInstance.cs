using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// One instance of the app as its own OS process, as a deployment behind a load balancer runs it:
/// <c>dotnet CrisisComms.Web.dll</c> from the build output beside these tests (the test project references the web
/// project, so <c>dotnet test</c> on the solution or on this project builds and copies it; appsettings*.json,
/// content/templates and the static-web-assets manifests come with it), run from that folder as its content root, in
/// Development (so the static web assets — MudBlazor, blazor.web.js, wwwroot — are served from the build, as
/// <c>dotnet run</c> does) with the demo accounts, on a free loopback port and a data folder of its own. Settings travel
/// as environment variables (<c>Section__Key</c>), as a container deployment sets them. Its console output is kept for
/// failure messages; disposing kills the process tree and deletes the data folder, and a killed test host does not leave
/// it running (<see cref="OrphanReaper"/>).
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    public const string DemoPassword = "Demo-Password-1";

    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "crisiscomms-scaleout");

    private readonly Process _process;
    private readonly ProcessLog _log;
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private readonly HttpClient _probe = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), UseCookies = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private AppInstance(string name, Process process, ProcessLog log, Uri baseAddress, string dataDirectory) =>
        (Name, _process, _log, BaseAddress, DataDirectory) = (name, process, log, baseAddress, dataDirectory);

    /// <summary>"A", "B": how the instance is named in logs and failure messages.</summary>
    public string Name { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its own Storage:DataDirectory (public snapshot, SQLite if it were used, file-based keys if the app still uses them).</summary>
    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>How long /readyz took to answer 200 after the process was started.</summary>
    public TimeSpan? ReadyAfter { get; private set; }

    /// <summary>
    /// The settings every instance of a scaled-out deployment gets, for a shared PostgreSQL database and Redis server.
    /// The keys are the app's contract (README § Configuration / issue #9): Database:Provider, Database:ConnectionString,
    /// Redis:Configuration. Each call is a deployment of its own on the shared Redis server (Redis:ChannelPrefix), so
    /// test classes never hear each other's changes.
    /// </summary>
    public static Dictionary<string, string> ScaledOutSettings(string postgresConnectionString, string? redisConfiguration)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = postgresConnectionString,
        };
        if (redisConfiguration is not null)
        {
            settings["Redis:Configuration"] = redisConfiguration;
            settings["Redis:ChannelPrefix"] = "test-" + Guid.NewGuid().ToString("n")[..12];
        }
        return settings;
    }

    /// <summary>Starts the process; does not wait for it (see <see cref="WaitUntilReadyAsync"/>). <paramref name="settings"/> win over the defaults here.</summary>
    public static AppInstance Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var appDll = Path.Combine(AppContext.BaseDirectory, "CrisisComms.Web.dll");
        if (!File.Exists(appDll))
            throw new FileNotFoundException("The web app's build output is not beside the tests (the test project references CrisisComms.Web; build it).", appDll);

        var port = Infrastructure.LocalProcesses.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var dataDirectory = Path.Combine(Parent, $"{name}-{Guid.NewGuid():n}");
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo(Infrastructure.LocalProcesses.DotnetHost())
        {
            // The content root: appsettings*.json, content/templates and the static-web-assets manifests are copied here.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(appDll);
        // The data folder also on the command line: it makes the process recognisable to OrphanReaper (env vars are not in /proc/<pid>/cmdline).
        start.ArgumentList.Add($"--Storage:DataDirectory={dataDirectory}");

        // Whatever the test runner's environment says about URLs, environments or this app's settings must not leak in.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)
                || key.Contains("__", StringComparison.Ordinal))
                start.Environment.Remove(key);
        }
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Seed:DemoData"] = "true",
            ["Seed:DemoPassword"] = DemoPassword,
            // Every request comes from 127.0.0.1: the real per-address limits would throttle the test.
            ["Auth:LoginRateLimit:PermitLimit"] = "1000",
            ["StatusPage:RateLimit:PermitLimit"] = "100000",
            // One line per entry with the time (UTC), so the two instances' logs can be read side by side.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Information",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        foreach (var (key, value) in environment) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var log = new ProcessLog($"instance {name} ({baseAddress.ToString().TrimEnd('/')})");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        if (!process.Start()) throw new InvalidOperationException("Could not start " + appDll);
        log.Attach(process);
        var instance = new AppInstance(name, process, log, baseAddress, dataDirectory);
        log.Note($"started pid {process.Id} on port {port}");
        OrphanReaper.KillWhenHostExits(process.Id, dataDirectory);
        return instance;
    }

    /// <summary>
    /// Polls GET /readyz (database reachable, migrations applied; the demo data is seeded before Kestrel listens) until 200.
    /// Throws, with the instance's log, if the process exits or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        string last = "no answer yet";
        do
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Instance {Name} exited with code {_process.ExitCode} before it was ready.\n{Tail()}");
            if (_sinceStart.Elapsed > timeout)
                throw new TimeoutException($"Instance {Name} was not ready {timeout.TotalSeconds:0} s after it was started (last /readyz: {last}).\n{Tail()}");
            try
            {
                using var response = await _probe.GetAsync(new Uri(BaseAddress, "/readyz"), ct);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAfter = _sinceStart.Elapsed;
                    Note($"ready after {ReadyAfter.Value.TotalSeconds:0.0} s");
                    return;
                }
            }
            catch (HttpRequestException e) { last = e.Message; }                                   // not listening yet
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = "timed out"; } // slow answer while starting
        }
        while (await tick.WaitForNextTickAsync(ct));
    }

    /// <summary>An HTTP client for this instance: no automatic redirects (a redirect to the login page is an answer to check), optional cookies.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>A marker in this instance's log, so its lines read next to what the test did.</summary>
    public void Note(string text) => _log.Note(text);

    public bool LogContains(string text) => _log.Contains(text);

    /// <summary>What the process wrote to stdout and stderr (stderr lines start "stderr: "), without the test's markers.</summary>
    public IReadOnlyList<string> Output => _log.Lines().Where(l => !l.StartsWith("==== test ", StringComparison.Ordinal)).ToList();

    /// <summary>Waits for the process to end on its own (and for its output to be read); its exit code. Throws if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Instance {Name} was still running {timeout.TotalSeconds:0} s after it was started.\n{Tail()}");
        }
        return _process.ExitCode;
    }

    public string Tail(int lines = 150) =>
        _log.Tail(lines) + (_process.HasExited ? $"\n(instance {Name} has EXITED with code {_process.ExitCode})" : "");

    public async ValueTask DisposeAsync()
    {
        _probe.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(bounded.Token);
            }
        }
        catch (InvalidOperationException) { }  // already gone
        catch (OperationCanceledException) { } // the reaper finishes it when the test host ends
        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
