namespace CrisisComms.Tests.Infrastructure;

/// <summary>A bad configuration value stops start-up with a message naming the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Organisation:TimeZone", "Mars/Olympus_Mons", "Organisation:TimeZone \"Mars/Olympus_Mons\" is not a known IANA time zone id")]
    [InlineData("Organisation:Name", "", "Organisation:Name must be set")]
    [InlineData("Organisation:Culture", "xx-NOPE-zz", "Organisation:Culture")]
    [InlineData("Auth:TokenLifetime", "00:00:05", "Auth:TokenLifetime must be between")]
    [InlineData("Auth:MaxFailedAccessAttempts", "0", "Auth:MaxFailedAccessAttempts must be between 1 and 100")]
    [InlineData("Auth:LoginRateLimit:PermitLimit", "0", "Auth:LoginRateLimit:PermitLimit must be at least 1")]
    [InlineData("Database:Provider", "Oracle", "Database:Provider \"Oracle\" is not supported")]
    [InlineData("Database:Provider", "Postgres", "Database:ConnectionString is required when Database:Provider is \"Postgres\"")]
    [InlineData("Storage:DataDirectory", " ", "Storage:DataDirectory must be set")]
    [InlineData("Redis:ChannelPrefix", "two words", "Redis:ChannelPrefix must be 1–100 characters without spaces")]
    [InlineData("Redis:Configuration", "password=only-a-password", "Redis:Configuration is not a valid Redis configuration string (it names no host)")]
    public void Start_up_fails_naming_the_bad_key(string key, string value, string expected)
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { [key] = value });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(expected, Flatten(error));
    }

    [Fact]
    public void A_malformed_postgres_connection_string_stops_start_up_naming_the_key_but_not_its_value()
    {
        using var app = AppFactory.With(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = "Host=db;Pasword=s3cret-value",
        });
        var error = Flatten(Record.Exception(() => app.CreateClient())!);
        Assert.Contains("Database:ConnectionString is not a valid PostgreSQL connection string", error);
        Assert.DoesNotContain("s3cret-value", error);
    }

    [Fact]
    public void A_malformed_redis_configuration_stops_start_up_naming_the_key_but_not_its_password()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Redis:Configuration"] = "redis.internal:6379,password=s3cret-value,notAnOption=1" });
        var error = Flatten(Record.Exception(() => app.CreateClient())!);
        Assert.Contains("Redis:Configuration is not a valid Redis configuration string", error);
        Assert.DoesNotContain("s3cret-value", error);
    }

    [Fact]
    public void A_demo_password_the_policy_rejects_stops_start_up_naming_the_key()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Seed:DemoPassword"] = "short" });
        var error = Record.Exception(() => app.CreateClient());
        Assert.Contains("Seed:DemoPassword", Flatten(error!));
    }

    [Fact]
    public void Good_defaults_start()
    {
        using var app = new AppFactory();
        Assert.NotNull(app.CreateClient());
    }

    private static string Flatten(Exception e) => e switch
    {
        AggregateException a => string.Join(" | ", a.InnerExceptions.Select(Flatten)),
        _ => e.Message + (e.InnerException is null ? "" : " | " + Flatten(e.InnerException)),
    };
}
