using System.Collections.Concurrent;
using CrisisComms.Tests.Features.StatusPage;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Tests.Features.Live;

/// <summary>/hubs/changes carries the change feed to signed-in staff tools; account changes only to admins; nobody anonymous.</summary>
public sealed class ChangesHubTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _s = new(app);

    private async Task<(HubConnection Hub, ConcurrentQueue<ChangeEvent> Received)> ConnectAsync(string? email)
    {
        var token = email is null ? null : await app.TokenAsync(email);
        var received = new ConcurrentQueue<ChangeEvent>();
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, ChangesHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        hub.On<ChangeEvent>(ChangesHub.ChangeMessage, received.Enqueue);
        await hub.StartAsync();
        return (hub, received);
    }

    [Fact]
    public async Task Staff_tools_receive_statement_changes_and_only_admins_receive_account_changes()
    {
        var (authorHub, forAuthor) = await ConnectAsync("author@demo.local");
        var (adminHub, forAdmin) = await ConnectAsync("admin@demo.local");
        await using var _ = authorHub;
        await using var __ = adminHub;

        var statement = await _s.PublishAsync(await _s.DemoIncidentAsync(), PublicScenario.Marker("HUB"));
        await app.CreateUserAsync("hubwatch", "Reviewer");

        await Poll.UntilAsync(() => forAuthor.FirstOrDefault(e => e.StatementId == statement && e.Action == "statement.published"), TimeSpan.FromSeconds(5), "the author's statement.published");
        await Poll.UntilAsync(() => forAdmin.FirstOrDefault(e => e.Action == "account.created"), TimeSpan.FromSeconds(5), "the admin's account.created");
        Assert.DoesNotContain(forAuthor, e => e.Action.StartsWith("account.", StringComparison.Ordinal));
        Assert.DoesNotContain(forAuthor, e => e.IsPresence);
    }

    [Fact]
    public async Task An_anonymous_client_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(null));
        Assert.True(error.Message.Contains("401"), error.Message);
    }
}
