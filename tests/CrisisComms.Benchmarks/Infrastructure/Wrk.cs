using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrisisComms.Benchmarks;

/// <summary>
/// The HTTP load generator <c>wrk</c> (Debian package <c>wrk</c>): found on PATH, installed with apt-get when
/// missing and running as root, run with <c>--latency</c> and its text output parsed.
/// </summary>
public static partial class Wrk
{
    public const string Package = "wrk";

    /// <summary>The wrk executable; installs the Debian package when it is missing and this process is root.</summary>
    public static Task<string> EnsureInstalledAsync(CancellationToken ct) =>
        DebianPackage.EnsureInstalledAsync(Package, "wrk", Find, ct);

    /// <summary>The first line of <c>wrk -v</c>, e.g. "wrk 4.1.0 [epoll] Copyright (C) 2012 Will Glozer".</summary>
    public static async Task<string> VersionAsync(string wrk, CancellationToken ct)
    {
        var (_, output) = await RunToEndAsync(wrk, ["-v"], ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "wrk (version unknown)";
    }

    /// <summary>One wrk run: <c>wrk --latency -t T -c C -d Ds URL</c>.</summary>
    public static async Task<WrkResult> RunAsync(string wrk, Uri url, WrkSettings settings, TimeSpan duration, CancellationToken ct)
    {
        string[] args =
        [
            "--latency",
            "-t", settings.Threads.ToString(CultureInfo.InvariantCulture),
            "-c", settings.Connections.ToString(CultureInfo.InvariantCulture),
            "-d", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
            "--timeout", settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture) + "s",
            url.ToString(),
        ];
        var (code, output) = await RunToEndAsync(wrk, args, ct);
        if (code != 0) throw new InvalidOperationException($"wrk exited with code {code}:\n{Last(output, 1500)}");
        return Parse(output, "wrk " + string.Join(' ', args));
    }

    /// <summary>Reads wrk's report (with --latency). Throws when a figure this benchmark needs is missing.</summary>
    public static WrkResult Parse(string output, string command)
    {
        double Required(Regex regex, Func<Match, double> read, string what)
        {
            var m = regex.Match(output);
            if (!m.Success) throw new FormatException($"wrk's output has no {what}:\n{Last(output, 1500)}");
            return read(m);
        }

        var rps = Required(RequestsPerSecond(), m => Number(m.Groups[1].Value), "Requests/sec");
        var total = Required(RequestsIn(), m => Number(m.Groups[1].Value), "\"N requests in\" line");
        var seconds = Required(RequestsIn(), m => Milliseconds(m.Groups[2].Value, m.Groups[3].Value) / 1000, "\"N requests in\" line");
        var bytes = Required(RequestsIn(), m => Bytes(m.Groups[4].Value, m.Groups[5].Value), "\"read\" total");
        var avg = Required(LatencyStats(), m => Milliseconds(m.Groups[1].Value, m.Groups[2].Value), "Latency line");
        var max = Required(LatencyStats(), m => Milliseconds(m.Groups[5].Value, m.Groups[6].Value), "Latency line");
        var percentiles = new Dictionary<int, double>();
        foreach (Match m in LatencyPercentile().Matches(output))
            percentiles[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = Milliseconds(m.Groups[2].Value, m.Groups[3].Value);
        foreach (var p in new[] { 50, 75, 90, 99 })
            if (!percentiles.ContainsKey(p)) throw new FormatException($"wrk's latency distribution has no {p}% line (was --latency passed?):\n{Last(output, 1500)}");

        var socket = SocketErrors().Match(output);
        var nonSuccess = NonSuccess().Match(output);
        return new WrkResult(
            command,
            RequestsPerSecond: rps,
            Requests: (long)total,
            Seconds: seconds,
            BytesRead: (long)bytes,
            P50Ms: percentiles[50], P75Ms: percentiles[75], P90Ms: percentiles[90], P99Ms: percentiles[99],
            AvgMs: avg, MaxMs: max,
            SocketErrors: socket.Success
                ? new WrkSocketErrors(Int(socket.Groups[1].Value), Int(socket.Groups[2].Value), Int(socket.Groups[3].Value), Int(socket.Groups[4].Value))
                : new WrkSocketErrors(0, 0, 0, 0),
            NonSuccessResponses: nonSuccess.Success ? Int(nonSuccess.Groups[1].Value) : 0,
            Output: output.TrimEnd());
    }

    // "Requests/sec:  40123.45"
    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    // "  601234 requests in 15.00s, 1.03GB read"
    [GeneratedRegex(@"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read", RegexOptions.Multiline)]
    private static partial Regex RequestsIn();

    // "    Latency     1.23ms    2.34ms  50.00ms   90.00%"
    [GeneratedRegex(@"^\s*Latency\s+([\d.]+)(us|ms|s|m|h)\s+([\d.]+)(us|ms|s|m|h)\s+([\d.]+)(us|ms|s|m|h)", RegexOptions.Multiline)]
    private static partial Regex LatencyStats();

    // "     99%    5.00ms"
    [GeneratedRegex(@"^\s*(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex LatencyPercentile();

    // "  Socket errors: connect 0, read 0, write 0, timeout 0"
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    // "  Non-2xx or 3xx responses: 10"
    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long Int(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>wrk's time units (its format_time): us, ms, s, m, h.</summary>
    public static double Milliseconds(string value, string unit) => Number(value) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => throw new FormatException($"Unknown wrk time unit \"{unit}\"."),
    };

    /// <summary>wrk's byte units (its format_binary): powers of 1024.</summary>
    public static double Bytes(string value, string unit) => Number(value) * unit switch
    {
        "B" => 1,
        "KB" => 1024,
        "MB" => 1024d * 1024,
        "GB" => 1024d * 1024 * 1024,
        "TB" => 1024d * 1024 * 1024 * 1024,
        _ => throw new FormatException($"Unknown wrk byte unit \"{unit}\"."),
    };

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, "wrk");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Last(string text, int chars) => text.Length <= chars ? text : "…" + text[^chars..];

    /// <summary>Runs a program to its end, stdout and stderr together; kills it when <paramref name="ct"/> fires.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(string fileName, IEnumerable<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        if (!process.Start()) throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        process.WaitForExit(); // drains the redirected output
        lock (gate) return (process.ExitCode, output.ToString());
    }
}

public sealed record WrkSettings(int Threads, int Connections, int TimeoutSeconds);

public sealed record WrkSocketErrors(long Connect, long Read, long Write, long Timeout)
{
    public long Total => Connect + Read + Write + Timeout;
}

/// <summary>One wrk run, latencies in milliseconds. <see cref="BytesPerResponse"/> includes the headers.</summary>
public sealed record WrkResult(
    string Command, double RequestsPerSecond, long Requests, double Seconds, long BytesRead,
    double P50Ms, double P75Ms, double P90Ms, double P99Ms, double AvgMs, double MaxMs,
    WrkSocketErrors SocketErrors, long NonSuccessResponses, string Output)
{
    public double BytesPerResponse => Requests > 0 ? (double)BytesRead / Requests : 0;
}
