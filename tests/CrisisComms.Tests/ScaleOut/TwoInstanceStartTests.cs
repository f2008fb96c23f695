using CrisisComms.Tests.Features.Publishing;
using CrisisComms.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// A rolling deployment or an orchestrator may start every instance at once on a new, empty database: migrations and
/// seeding must cope with a second instance doing the same at the same moment (both come up, nothing is doubled).
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class TwoInstanceStartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Two_instances_started_together_on_an_empty_database_both_become_ready_and_seed_once()
    {
        var redis = RedisServer.Shared;
        var database = PostgresServer.Shared.CreateDatabase();
        var settings = AppInstance.ScaledOutSettings(database, redis.Configuration);
        AppInstance? a = null, b = null;
        try
        {
            a = AppInstance.Start("A", settings);
            b = AppInstance.Start("B", settings);
            var problems = new List<string>();
            foreach (var instance in new[] { a, b })
            {
                try
                {
                    await instance.WaitUntilReadyAsync(StartTimeout);
                    output.WriteLine($"{instance.Name} ready after {instance.ReadyAfter?.TotalSeconds:0.0} s");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    problems.Add($"instance {instance.Name} did not become ready: {e.Message.Split('\n')[0]}");
                }
            }
            if (problems.Count == 0)
            {
                foreach (var instance in new[] { a, b })
                {
                    var admin = await TwoInstanceCluster.TokenAsync(instance, "admin@demo.local");
                    var users = await TwoInstanceCluster.ApiAsync(instance, admin, HttpMethod.Get, "users");
                    var emails = users.EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();
                    foreach (var demo in new[] { "author@demo.local", "reviewer@demo.local", "approver@demo.local", "admin@demo.local" })
                    {
                        var count = emails.Count(e => string.Equals(e, demo, StringComparison.OrdinalIgnoreCase));
                        if (count != 1) problems.Add($"instance {instance.Name} lists {count} accounts {demo}, expected one");
                    }
                    var incidents = await TwoInstanceCluster.ApiAsync(instance, admin, HttpMethod.Get, "incidents");
                    var demoIncidents = incidents.EnumerateArray().Count(i => i.GetProperty("slug").GetString()?.StartsWith("customer-data-breach", StringComparison.Ordinal) == true);
                    if (demoIncidents != 1) problems.Add($"instance {instance.Name} lists {demoIncidents} demo incidents (customer-data-breach*), expected one");
                }
            }
            if (problems.Count > 0)
                Assert.Fail($"Two instances started together: {problems.Count} problem(s)\n- {string.Join("\n- ", problems)}\n\n{a.Tail()}\n{b.Tail()}");
        }
        finally
        {
            if (b is not null) await b.DisposeAsync();
            if (a is not null) await a.DisposeAsync();
            PostgresServer.Shared.DropDatabase(database);
        }
    }
}
