using System.Collections.Concurrent;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.StatusPage;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>
/// /hubs/status tells open pages about public changes — anonymously, once per real change, and not
/// about changes the public cannot see.
/// </summary>
public sealed class StatusHubTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _s = new(app);

    private async Task<(HubConnection Connection, ConcurrentQueue<PublicStatusUpdated> Received)> ConnectAsync()
    {
        var received = new ConcurrentQueue<PublicStatusUpdated>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, StatusHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        connection.On<PublicStatusUpdated>(StatusHub.UpdatedMessage, received.Enqueue);
        await connection.StartAsync();
        return (connection, received);
    }

    [Fact]
    public async Task An_anonymous_client_is_told_when_a_public_statement_is_published_and_the_page_then_shows_it()
    {
        var (hub, received) = await ConnectAsync();
        await using var _ = hub;
        var marker = PublicScenario.Marker("LIVE");

        await _s.PublishAsync(await _s.DemoIncidentAsync(), marker);

        var message = await Poll.UntilAsync(() => received.TryPeek(out var m) ? m : null, TimeSpan.FromSeconds(5), "An \"updated\" message");
        Assert.Matches("^[0-9a-f]{24}$", message.Version);
        using var client = app.CreateRawClient();
        Assert.Contains(marker, await client.GetStringAsync($"/?v={message.Version}"));
    }

    [Fact]
    public async Task An_internal_statement_being_published_tells_open_pages_nothing()
    {
        var (hub, received) = await ConnectAsync();
        await using var _ = hub;
        var incident = await _s.DemoIncidentAsync();
        // Something public first, so the next message can only come from the internal one.
        await _s.PublishAsync(incident, PublicScenario.Marker("FIRST"));
        await Poll.UntilAsync(() => received.TryPeek(out var m) ? m : null, TimeSpan.FromSeconds(5), "The first message");
        var refresher = app.Services.GetRequiredService<PublicStatusRefresher>();
        received.Clear();

        await _s.PublishAsync(incident, PublicScenario.Marker("INTERNAL"), kind: "staff-briefing", audience: "staff");
        await refresher.RefreshAsync(); // the refresh the publication queued has certainly run by the end of this one

        Assert.Empty(received);
    }
}
