using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Tests.Features.Live;

/// <summary>
/// A /hubs/changes connection (a real SignalR client over WebSockets, app on Kestrel) follows its account: disabling,
/// a password reset, signing out everywhere or removing a role closes it within seconds and nothing more arrives on it;
/// a reconnect is let in (or not) by the account as it is now, and gets only the events its current roles may see.
/// </summary>
public sealed class ChangesHubRevocationTests(KestrelAppFactory app) : IClassFixture<KestrelAppFactory>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);
    private const string NewPassword = "Brand-New-Password-77";

    [Theory]
    [InlineData("disable", false)]
    [InlineData("password-reset", false)]
    [InlineData("sign-out-everywhere", false)]
    [InlineData("own-sign-out-everywhere", false)]
    [InlineData("role-removed", true)]
    public async Task An_account_change_closes_that_users_connection_within_seconds_and_nothing_more_reaches_it(string change, bool mayReconnect)
    {
        var (id, email) = await app.CreateUserAsync("hubrevoke", StaffRoles.Author, StaffRoles.Reviewer);
        var token = await app.TokenAsync(email, AppFactory.UserPassword);
        await using var target = await Listener.ConnectAsync(app, token);
        await using var bystander = await Listener.ConnectAsync(app, await app.TokenAsync("reviewer@demo.local"));

        var before = await CreateIncidentAsync();
        await target.WaitForAsync(e => e.EntityId == before, "the user's connection receiving an incident before the change");

        using var admin = await app.ClientForAsync("admin@demo.local");
        using var self = Bearer(token);
        var response = change switch
        {
            "disable" => await admin.PostAsync($"/api/staff/v1/users/{id}/disable", null),
            "password-reset" => await admin.PostAsJsonAsync($"/api/staff/v1/users/{id}/password", new { password = NewPassword }),
            "sign-out-everywhere" => await admin.PostAsync($"/api/staff/v1/users/{id}/sign-out-everywhere", null),
            "own-sign-out-everywhere" => await self.PostAsync("/api/staff/v1/me/sign-out-everywhere", null),
            "role-removed" => await admin.DeleteAsync($"/api/staff/v1/users/{id}/roles/Reviewer"),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await target.Closed.WaitAsync(Within);
        Assert.Equal(HubConnectionState.Disconnected, target.Hub.State);

        var after = await CreateIncidentAsync();
        await bystander.WaitForAsync(e => e.EntityId == after, "another user's connection still receiving incidents");
        Assert.DoesNotContain(target.Received, e => e.EntityId == after);

        // The old token now opens a connection only if the account still lets it in.
        if (mayReconnect)
        {
            await using var again = await Listener.ConnectAsync(app, token);
            Assert.Equal(HubConnectionState.Connected, again.Hub.State);
        }
        else
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => Listener.ConnectAsync(app, token));
            Assert.Contains("401", refused.Message);
        }
    }

    [Fact]
    public async Task An_admin_who_loses_the_admin_role_stops_receiving_account_changes_but_keeps_the_rest()
    {
        var (id, email) = await app.CreateUserAsync("hubadmin", StaffRoles.Admin, StaffRoles.Author);
        var token = await app.TokenAsync(email, AppFactory.UserPassword);
        await using var asAdmin = await Listener.ConnectAsync(app, token);
        await using var otherAdmin = await Listener.ConnectAsync(app, await app.TokenAsync("admin@demo.local"));

        var (firstNew, _) = await app.CreateUserAsync("seenbyadmin", StaffRoles.Author);
        await asAdmin.WaitForAsync(e => e.Action == "account.created" && e.EntityId == firstNew, "the admin's connection receiving account.created");

        using var admin = await app.ClientForAsync("admin@demo.local");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/staff/v1/users/{id}/roles/Admin")).StatusCode);
        await asAdmin.Closed.WaitAsync(Within);

        // Same token, reconnected: now an Author's connection.
        await using var asAuthor = await Listener.ConnectAsync(app, token);
        var (secondNew, _) = await app.CreateUserAsync("notforauthor", StaffRoles.Author);
        var incident = await CreateIncidentAsync();
        await otherAdmin.WaitForAsync(e => e.Action == "account.created" && e.EntityId == secondNew, "another admin receiving account.created");
        // Events reach a connection in order: once the later incident has arrived, the account change would have too.
        await asAuthor.WaitForAsync(e => e.EntityId == incident, "the demoted user's connection receiving an incident");
        Assert.DoesNotContain(asAuthor.Received, e => e.IsAccountChange || e.Action.StartsWith("auth.", StringComparison.Ordinal));
        Assert.DoesNotContain(asAdmin.Received, e => e.EntityId == secondNew);
    }

    private async Task<string> CreateIncidentAsync()
    {
        using var author = await app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents",
            new { title = $"Revocation check {Guid.NewGuid():n}"[..40], summary = "Checking who hears about it.", severity = "minor", status = "investigating", isPublic = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private HttpClient Bearer(string token)
    {
        var client = app.CreateRawClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>One SignalR client of /hubs/changes over WebSockets, keeping what it received and when it was closed.</summary>
    internal sealed class Listener : IAsyncDisposable
    {
        public required HubConnection Hub { get; init; }
        public ConcurrentQueue<ChangeEvent> Received { get; } = new();
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the server closes the connection (no automatic reconnect).</summary>
        public Task Closed => _closed.Task;

        public static async Task<Listener> ConnectAsync(KestrelAppFactory app, string token)
        {
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(app.BaseAddress, ChangesHub.Path.TrimStart('/')), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                })
                .Build();
            var listener = new Listener { Hub = hub };
            hub.On<ChangeEvent>(ChangesHub.ChangeMessage, listener.Received.Enqueue);
            hub.Closed += _ => { listener._closed.TrySetResult(); return Task.CompletedTask; };
            try
            {
                await hub.StartAsync();
            }
            catch
            {
                await hub.DisposeAsync();
                throw;
            }
            return listener;
        }

        public Task<ChangeEvent> WaitForAsync(Func<ChangeEvent, bool> match, string what) =>
            Poll.UntilAsync(() => Received.FirstOrDefault(match), Within, what);

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}

/// <summary>
/// The safety net: a change that never reached the change feed (here the security stamp changed straight in the
/// database) still closes the connection within one Auth:RevalidationInterval.
/// </summary>
public sealed class ChangesHubPeriodicRevalidationTests : IDisposable
{
    private readonly KestrelAppFactory _app = KestrelAppFactory.With(new Dictionary<string, string?> { ["Auth:RevalidationInterval"] = "00:00:01" });

    [Fact]
    public async Task A_connection_whose_session_became_invalid_without_an_event_is_closed_within_the_revalidation_interval()
    {
        var (id, email) = await _app.CreateUserAsync("hubsweep", StaffRoles.Author);
        await using var listener = await ChangesHubRevocationTests.Listener.ConnectAsync(_app, await _app.TokenAsync(email, AppFactory.UserPassword));
        await using var bystander = await ChangesHubRevocationTests.Listener.ConnectAsync(_app, await _app.TokenAsync("author@demo.local"));

        await _app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
            return await users.UpdateSecurityStampAsync((await users.FindByIdAsync(id))!);
        });

        await listener.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        // One more sweep, run here rather than waited for: the valid connection stays and still hears what happens next.
        await _app.Services.GetRequiredService<StaffHubConnections>().RecheckAllAsync();
        using var author = await _app.ClientForAsync("author@demo.local");
        var created = await author.PostAsJsonAsync("/api/staff/v1/incidents",
            new { title = "After the sweep", summary = "Checking who hears about it.", severity = "minor", status = "investigating", isPublic = false });
        var incident = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await bystander.WaitForAsync(e => e.EntityId == incident, "the valid connection still receiving incidents after a sweep");
        Assert.Equal(HubConnectionState.Connected, bystander.Hub.State);
    }

    public void Dispose() => _app.Dispose();
}
