using System.Net.Sockets;
using System.Text.RegularExpressions;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrisisComms.Web.Infrastructure.Hosting;

/// <summary>
/// Turns the start-up failures an operator can fix (database unreachable, wrong password, bad setting, port in use) into
/// one line naming what to fix and a non-zero exit code, instead of an unhandled exception's stack trace. Anything else
/// is rethrown unchanged: an unknown failure keeps its full detail.
/// </summary>
public static partial class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>Runs the whole program; a known start-up failure is written to stderr as one line and exits with <see cref="ExitCode"/>.</summary>
    public static async Task<int> RunAsync(string[] args, Func<string[], Task<int>> program, TextWriter? error = null)
    {
        try
        {
            return await program(args);
        }
        // The filter only recognises the failure; the configuration is read again in the handler, after unwinding.
        catch (Exception e) when (IsOwnProcess && Describe(e, static () => null) is not null)
        {
            var line = Describe(e, () => ReadConfiguration(args));
            error ??= Console.Error;
            await error.WriteLineAsync("Start-up failed: " + line);
            await error.FlushAsync();
            return ExitCode;
        }
    }

    /// <summary>
    /// True when this app is the process (dotnet CrisisComms.Web.dll). A host running Program inside its own process
    /// (WebApplicationFactory in the tests) is given the exception itself, as it expects.
    /// </summary>
    private static bool IsOwnProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    /// <summary>
    /// One sentence naming the setting to fix, or null for a failure this class does not know (it is then rethrown).
    /// Never includes a password: PostgreSQL details come from the parsed connection string's host, port, database and user.
    /// </summary>
    public static string? Describe(Exception failure, Func<IConfiguration?> configuration)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OptionsValidationException invalid:
                    return $"a setting is not valid: {string.Join(" ", invalid.Failures)} Fix it in appsettings or its environment variable (Section__Key).";
                case InvalidOperationException when ConversionFailure().Match(e.Message) is { Success: true } m:
                    // Named by key and type only: .NET's message quotes the value, which may be a secret put in the wrong place.
                    return $"the setting {m.Groups["key"].Value} is not a valid {FriendlyType(m.Groups["type"].Value)}. Fix it in appsettings or its environment variable ({m.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal)}).";
                case InvalidDataException when e.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal):
                    return $"{FirstLine(e.Message)} Check that file's JSON (commas, quotes, braces).";
                case IOException when e.InnerException?.GetType().Name == "AddressInUseException" || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return AddressInUse(e.Message);
                case PostgresException pg:
                    return Postgres(pg, Target(configuration()));
                case NpgsqlException npgsql:
                    return Unreachable(npgsql, Target(configuration()));
            }
        }
        return null;
    }

    private static string AddressInUse(string message)
    {
        var address = BindAddress().Match(message) is { Success: true } m ? m.Groups["address"].Value : "the configured address";
        return $"{address} is already in use by another program (Urls, --urls or ASPNETCORE_URLS) — stop that program or choose another port.";
    }

    private static string Postgres(PostgresException e, PostgresTarget target) => e.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword =>
            $"PostgreSQL at {target.Server} refused the password of user \"{target.User}\" (Database:ConnectionString) — check the Password in the connection string.",
        PostgresErrorCodes.InvalidAuthorizationSpecification =>
            $"PostgreSQL at {target.Server} does not let user \"{target.User}\" sign in to database \"{target.Database}\" (Database:ConnectionString) — check the Username, and pg_hba.conf on the server.",
        PostgresErrorCodes.InsufficientPrivilege =>
            $"PostgreSQL user \"{target.User}\" at {target.Server} may not create or change database \"{target.Database}\" (Database:ConnectionString) — create the database for it, or grant it CREATEDB / ownership.",
        PostgresErrorCodes.InvalidCatalogName =>
            $"database \"{target.Database}\" does not exist at {target.Server} and could not be created (Database:ConnectionString) — create it, or grant user \"{target.User}\" CREATEDB.",
        PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow =>
            $"PostgreSQL at {target.Server} is not accepting connections now ({e.SqlState}: {e.MessageText}) — check the server, then start again.",
        _ => $"PostgreSQL at {target.Server} answered with error {e.SqlState}: {e.MessageText} (Database:ConnectionString).",
    };

    private static string Unreachable(NpgsqlException e, PostgresTarget target)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException)
                return $"PostgreSQL at {target.Server} did not answer in time (Database:ConnectionString) — is the server running and reachable from here (firewall)?";
            if (inner is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData })
                return $"the PostgreSQL host in Database:ConnectionString ({target.Server}) is not a known host name — check the Host.";
        }
        return $"cannot reach PostgreSQL at {target.Server} (Database:ConnectionString) — is the server running?";
    }

    private sealed record PostgresTarget(string Server, string Database, string User);

    /// <summary>Host, port, database and user only: a connection string may hold a password and is never shown whole.</summary>
    private static PostgresTarget Target(IConfiguration? configuration)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(configuration?[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"] ?? "");
            var host = string.IsNullOrWhiteSpace(parsed.Host) ? "the configured host" : parsed.Host;
            return new($"{host}:{parsed.Port}", parsed.Database ?? "(none)", parsed.Username ?? "(none)");
        }
        catch (ArgumentException)
        {
            return new("the configured server", "(unknown)", "(unknown)");
        }
    }

    /// <summary>The configuration the program read (files, environment, command line), read again only to describe a failure.</summary>
    private static IConfiguration? ReadConfiguration(string[] args)
    {
        try
        {
            return WebApplication.CreateBuilder(args).Configuration;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return null;
        }
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.TimeSpan" => "time span (hh:mm:ss, or d.hh:mm:ss)",
        "System.Int32" or "System.Int64" => "whole number",
        "System.Boolean" => "true/false value",
        "System.Double" or "System.Decimal" => "number",
        _ => type,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"^Failed to convert configuration value .* at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"bind to address (?<address>\S+?):? address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindAddress();
}
