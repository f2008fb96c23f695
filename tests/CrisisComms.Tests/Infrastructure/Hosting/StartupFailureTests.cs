using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Features.Publishing;
using CrisisComms.Tests.ScaleOut;
using Npgsql;
using Xunit.Abstractions;

namespace CrisisComms.Tests.Infrastructure.Hosting;

/// <summary>
/// An operator who gets a setting wrong sees the process stop at once with a non-zero exit code and one line saying
/// what to fix — not a stack trace, and never the password they typed. The built app runs as its own process, as a
/// deployment runs it.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public sealed partial class StartupFailureTests(ITestOutputHelper output)
{
    private const string Password = "Very-Secret-Pa55word";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PostgreSQL_not_running_exits_naming_the_server_and_the_setting()
    {
        var port = LocalProcesses.FreePort(); // nothing listens there
        var failure = await StartExpectingFailureAsync(new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=crisiscomms;Username=crisiscomms;Password={Password};Timeout=5",
        });
        Assert.Contains($"cannot reach PostgreSQL at 127.0.0.1:{port} (Database:ConnectionString) — is the server running?", failure);
    }

    [Fact]
    public async Task A_wrong_PostgreSQL_password_exits_naming_the_user_and_the_setting()
    {
        var server = PostgresServer.Shared;
        var role = "cc_pw_" + Guid.NewGuid().ToString("n")[..12];
        server.CreatePasswordRole(role, "the-right-password");
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString("postgres")) { Username = role, Password = Password, Database = "cc_" + role };
        var failure = await StartExpectingFailureAsync(new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connection.ToString(),
        });
        Assert.Contains($"PostgreSQL at 127.0.0.1:{server.Port} refused the password of user \"{role}\" (Database:ConnectionString)", failure);
    }

    [Theory]
    [InlineData("Organisation:TimeZone", "Mars/Olympus_Mons", "Organisation:TimeZone \"Mars/Olympus_Mons\" is not a known IANA time zone id")]
    [InlineData("Auth:TokenLifetime", Password, "the setting Auth:TokenLifetime is not a valid time span")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.300", "ForwardedHeaders:KnownProxies \"10.0.0.300\" is not an IP address")]
    [InlineData("DataProtection:CertificatePath", "/nonexistent/keys.pfx", "DataProtection:CertificatePath \"/nonexistent/keys.pfx\" does not exist")]
    public async Task A_bad_setting_exits_naming_the_key(string key, string value, string expected)
    {
        var failure = await StartExpectingFailureAsync(new() { [key] = value });
        Assert.Contains(expected, failure);
    }

    [Fact]
    public async Task A_port_in_use_exits_naming_the_address()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)occupier.LocalEndpoint).Port}";
        var failure = await StartExpectingFailureAsync(new() { ["ASPNETCORE_URLS"] = address });
        Assert.Contains($"{address} is already in use by another program", failure);
    }

    /// <summary>Starts the app; asserts it exits non-zero with exactly one "Start-up failed:" line, no stack frame and no password. Returns that line.</summary>
    private async Task<string> StartExpectingFailureAsync(Dictionary<string, string> settings)
    {
        await using var app = AppInstance.Start("bad-setting", settings);
        var exitCode = await app.WaitForExitAsync(ExitTimeout);
        var lines = app.Output;
        foreach (var line in lines) output.WriteLine(line);

        Assert.True(exitCode != 0, $"The app exited with code 0 after a start-up failure.\n{app.Tail()}");
        var failures = lines.Where(l => l.Contains("Start-up failed: ", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 1, $"Expected exactly one \"Start-up failed:\" line, found {failures.Count}.\n{app.Tail()}");
        Assert.StartsWith("stderr: Start-up failed: ", failures[0]);
        var frames = lines.Where(l => StackFrame().IsMatch(l)).ToList();
        Assert.True(frames.Count == 0, $"The output holds stack frames:\n{string.Join('\n', frames.Take(5))}\n{app.Tail()}");
        Assert.DoesNotContain(lines, l => l.Contains(Password, StringComparison.Ordinal));
        return failures[0];
    }

    [GeneratedRegex(@"^(stderr: )?\s+at \S")]
    private static partial Regex StackFrame();
}
