using System.Globalization;

namespace CrisisComms.Web.Infrastructure.Options;

/// <summary>Where all runtime state lives (database, keys, snapshots): one folder per instance.</summary>
public sealed class StorageOptions : ISelfValidatingOptions
{
    public static string Section => "Storage";

    /// <summary>Absolute, or relative to the content root. Default "data".</summary>
    public string DataDirectory { get; set; } = "data";

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
            yield return "Storage:DataDirectory must be set to a folder path (for example \"data\").";
        else if (DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            yield return $"Storage:DataDirectory \"{DataDirectory}\" contains characters that are not valid in a path.";
    }
}

/// <summary>Which database engine holds the data.</summary>
public sealed class DatabaseOptions : ISelfValidatingOptions
{
    public static string Section => "Database";

    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>"Sqlite" (embedded default) or "Postgres" (several instances sharing one database).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>SQLite: empty means a file inside Storage:DataDirectory. Postgres: required, an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (!IsPostgres && !string.Equals(Provider?.Trim(), Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Database:Provider \"{Provider}\" is not supported; use \"Sqlite\" (embedded, the default) or \"Postgres\".";
            yield break;
        }
        if (!IsPostgres) yield break;
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return "Database:ConnectionString is required when Database:Provider is \"Postgres\" " +
                "(for example \"Host=db.internal;Database=crisiscomms;Username=crisiscomms;Password=...\"; set it as the environment variable Database__ConnectionString).";
            yield break;
        }
        // Parsed here so a typo stops start-up naming the key. The message names the bad keyword, never a value (it may hold a password).
        string? problem = null;
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host)) problem = "it names no Host";
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }
        if (problem is not null)
            yield return $"Database:ConnectionString is not a valid PostgreSQL connection string: {problem}.";
    }
}

/// <summary>The organisation the status page speaks for.</summary>
public sealed class OrganisationOptions : ISelfValidatingOptions
{
    public static string Section => "Organisation";

    public string Name { get; set; } = "CrisisComms";

    /// <summary>IANA time zone id used to show times to staff and the public, e.g. "Australia/Sydney".</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Culture for numbers and dates, e.g. "en-AU".</summary>
    public string Culture { get; set; } = "en-AU";

    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
            yield return "Organisation:Name must be set (it appears on the status page).";
        else if (Name.Length > 100)
            yield return "Organisation:Name must be at most 100 characters.";

        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            yield return $"Organisation:TimeZone \"{TimeZone}\" is not a known IANA time zone id (for example \"Australia/Sydney\").";

        string? cultureError = null;
        try
        {
            _ = CultureInfo.GetCultureInfo(Culture, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            cultureError = $"Organisation:Culture \"{Culture}\" is not a known culture name (for example \"en-AU\").";
        }
        if (cultureError is not null) yield return cultureError;
    }
}

/// <summary>Sign-in, lockout, token and session settings.</summary>
public sealed class AuthOptions : ISelfValidatingOptions
{
    public static string Section => "Auth";

    /// <summary>How long a staff API bearer token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed sign-ins before the account is locked.</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an open interactive session re-checks that its user is still enabled and unchanged.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(10);

    public LoginRateLimitOptions LoginRateLimit { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (TokenLifetime < TimeSpan.FromMinutes(1) || TokenLifetime > TimeSpan.FromDays(30))
            yield return "Auth:TokenLifetime must be between 00:01:00 and 30.00:00:00.";
        if (MaxFailedAccessAttempts is < 1 or > 100)
            yield return "Auth:MaxFailedAccessAttempts must be between 1 and 100.";
        if (LockoutDuration < TimeSpan.FromSeconds(1))
            yield return "Auth:LockoutDuration must be at least 00:00:01.";
        if (RevalidationInterval < TimeSpan.FromSeconds(1) || RevalidationInterval > TimeSpan.FromHours(1))
            yield return "Auth:RevalidationInterval must be between 00:00:01 and 01:00:00.";
        if (LoginRateLimit.PermitLimit < 1)
            yield return "Auth:LoginRateLimit:PermitLimit must be at least 1.";
        if (LoginRateLimit.Window < TimeSpan.FromSeconds(1))
            yield return "Auth:LoginRateLimit:Window must be at least 00:00:01.";
    }
}

/// <summary>Sign-in attempts (login page and token endpoint together) allowed per client address per window.</summary>
public sealed class LoginRateLimitOptions
{
    public int PermitLimit { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Demo data for trying the product; never on outside Development unless asked for.</summary>
public sealed class SeedOptions : ISelfValidatingOptions
{
    public static string Section => "Seed";

    public bool DemoData { get; set; }

    public string DemoPassword { get; set; } = "Demo-Password-1";

    public IEnumerable<string> Validate()
    {
        if (DemoData && string.IsNullOrWhiteSpace(DemoPassword))
            yield return "Seed:DemoPassword must be set when Seed:DemoData is true.";
    }
}

/// <summary>Redis, for running several instances: the SignalR backplane and the change feed between instances.</summary>
public sealed class RedisOptions : ISelfValidatingOptions
{
    public static string Section => "Redis";

    /// <summary>A StackExchange.Redis configuration string ("redis.internal:6379,password=…"). Empty: one instance, nothing crosses.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every Redis channel this deployment uses, so two deployments can share one Redis server.</summary>
    public string ChannelPrefix { get; set; } = "crisiscomms";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Configuration);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ChannelPrefix) || ChannelPrefix.Length > 100 || ChannelPrefix.Any(char.IsWhiteSpace))
            yield return "Redis:ChannelPrefix must be 1–100 characters without spaces (default \"crisiscomms\").";
        if (!IsEnabled) yield break;
        // Parsed here so a typo stops start-up naming the key. The message never echoes the value (it may hold a password).
        string? problem = null;
        try
        {
            var parsed = StackExchange.Redis.ConfigurationOptions.Parse(Configuration!);
            if (parsed.EndPoints.Count == 0) problem = "it names no host";
        }
        catch (ArgumentException)
        {
            problem = "it could not be read: check its keywords and commas";
        }
        if (problem is not null)
            yield return $"Redis:Configuration is not a valid Redis configuration string ({problem}); for example \"redis.internal:6379,password=...\".";
    }
}
