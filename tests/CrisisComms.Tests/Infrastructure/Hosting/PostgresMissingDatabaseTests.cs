using System.Net;
using CrisisComms.Tests.Features.Publishing;
using CrisisComms.Tests.ScaleOut;
using Npgsql;

namespace CrisisComms.Tests.Infrastructure.Hosting;

/// <summary>The README promises that on PostgreSQL a database that does not exist yet is created on start.</summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class PostgresMissingDatabaseTests
{
    [Fact]
    public async Task Two_instances_started_together_on_a_missing_database_both_become_ready()
    {
        var server = PostgresServer.Shared;
        var connectionString = server.ConnectionString("cc_missing_" + Guid.NewGuid().ToString("n"));
        var settings = AppInstance.ScaledOutSettings(connectionString, redisConfiguration: null);
        try
        {
            await using var a = AppInstance.Start("A", settings);
            await using var b = AppInstance.Start("B", settings);
            // Each racing to create the database: the one that loses finds it there and carries on.
            await Task.WhenAll(a.WaitUntilReadyAsync(TimeSpan.FromMinutes(2)), b.WaitUntilReadyAsync(TimeSpan.FromMinutes(2)));
            Assert.True(Exists(server, connectionString));
        }
        finally
        {
            server.DropDatabase(connectionString);
        }
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_created_on_start_and_the_app_becomes_ready()
    {
        var server = PostgresServer.Shared;
        var connectionString = server.ConnectionString("cc_missing_" + Guid.NewGuid().ToString("n"));
        Assert.False(Exists(server, connectionString), "the test database should not exist before the app starts");
        try
        {
            using var app = AppFactory.With(new Dictionary<string, string?> { ["Database:ConnectionString"] = connectionString }, postgres: true);
            using var client = app.CreateRawClient();

            var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
            Assert.True(Exists(server, connectionString), "the app should have created its database");
            // Migrated and seeded: the demo admin can sign in.
            Assert.False(string.IsNullOrEmpty(await app.TokenAsync("admin@demo.local")));
        }
        finally
        {
            server.DropDatabase(connectionString);
        }
    }

    private static bool Exists(PostgresServer server, string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using var connection = new NpgsqlConnection(server.AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return (long)command.ExecuteScalar()! == 1;
    }
}
