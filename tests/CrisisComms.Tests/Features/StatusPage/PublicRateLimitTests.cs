using System.Net;
using CrisisComms.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>One abusive client address is capped on the public routes; other readers are not.</summary>
public sealed class PublicRateLimitTests : IAsyncLifetime
{
    /// <summary>Lets a test pick its client address with a header, as distinct readers would have.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Client", out var address))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address!);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private readonly AppFactory _app = AppFactory.With(
        new Dictionary<string, string?> { ["StatusPage:RateLimit:PermitLimit"] = "5", ["StatusPage:RateLimit:Window"] = "00:01:00" },
        services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static HttpRequestMessage From(string address, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Client", address);
        return request;
    }

    [Fact]
    public async Task A_client_over_the_limit_gets_429_with_retry_after_and_a_clear_message_while_another_reader_is_served()
    {
        using var client = _app.CreateRawClient();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("203.0.113.7", i % 2 == 0 ? "/" : "/api/v2/status.json"))).StatusCode);

        var refused = await client.SendAsync(From("203.0.113.7", "/"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After tells the client when to come back");
        Assert.Contains("Too many requests from your address", await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("198.51.100.20", "/"))).StatusCode);
    }

    [Fact]
    public async Task Staff_pages_and_health_checks_do_not_count_against_the_public_limit()
    {
        using var client = _app.CreateRawClient();
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("203.0.113.9", "/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("203.0.113.9", "/"))).StatusCode);
    }
}
