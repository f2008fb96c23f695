using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace CrisisComms.Tests.Infrastructure.Hosting;

/// <summary>
/// Behind a reverse proxy: X-Forwarded-For/Proto are believed only from the proxies named in ForwardedHeaders, so a
/// client cannot dodge the per-address rate limit or pretend to be on HTTPS by sending the headers itself; cookies are
/// Secure on HTTPS (and always when the public address is https).
/// </summary>
public sealed class ReverseProxyTests
{
    private const string Proxy = "10.20.30.40";
    private const string Stranger = "192.0.2.77";

    /// <summary>The in-memory server has no socket: the test names the address the request comes from (the proxy's, or a stranger's).</summary>
    private sealed class ConnectionFrom : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Connection", out var address))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address!);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static AppFactory App(Dictionary<string, string?> settings)
    {
        settings.TryAdd("ForwardedHeaders:KnownProxies", Proxy);
        return AppFactory.With(settings, services => services.AddSingleton<IStartupFilter, ConnectionFrom>(), postgres: false);
    }

    private static HttpRequestMessage Get(string path, string connection, string? forwardedFor = null, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Connection", connection);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return request;
    }

    [Fact]
    public async Task A_client_that_is_not_a_configured_proxy_cannot_escape_the_rate_limit_by_sending_X_Forwarded_For()
    {
        using var app = App(new() { ["StatusPage:RateLimit:PermitLimit"] = "3" });
        using var client = app.CreateRawClient();
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/", Stranger, forwardedFor: $"198.51.100.{i}"))).StatusCode);

        var fourth = await client.SendAsync(Get("/", Stranger, forwardedFor: "198.51.100.4"));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
    }

    [Fact]
    public async Task Through_a_configured_proxy_each_reader_has_their_own_rate_limit()
    {
        using var app = App(new() { ["StatusPage:RateLimit:PermitLimit"] = "3" });
        using var client = app.CreateRawClient();
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/", Proxy, forwardedFor: "203.0.113.9"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Get("/", Proxy, forwardedFor: "203.0.113.9"))).StatusCode);

        // Another reader behind the same proxy is not held back by the first one.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/", Proxy, forwardedFor: "203.0.113.10"))).StatusCode);
    }

    [Fact]
    public async Task A_proxy_network_can_be_configured_instead_of_single_addresses()
    {
        using var app = App(new() { ["StatusPage:RateLimit:PermitLimit"] = "1", ["ForwardedHeaders:KnownProxies"] = "", ["ForwardedHeaders:KnownNetworks"] = "10.20.0.0/16" });
        using var client = app.CreateRawClient();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/", Proxy, forwardedFor: "203.0.113.21"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/", Proxy, forwardedFor: "203.0.113.22"))).StatusCode);
    }

    [Fact]
    public async Task Cookies_are_Secure_when_a_configured_proxy_reports_https()
    {
        using var app = App(new());
        using var client = app.CreateRawClient();
        var response = await client.SendAsync(Get("/Account/Login", Proxy, forwardedFor: "203.0.113.9", forwardedProto: "https"));
        var cookies = SetCookies(response);
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_stranger_claiming_https_is_not_believed()
    {
        using var app = App(new());
        using var client = app.CreateRawClient();
        var response = await client.SendAsync(Get("/Account/Login", Stranger, forwardedProto: "https"));
        var cookies = SetCookies(response);
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task With_an_https_public_address_every_cookie_is_Secure_even_on_a_plain_http_hop()
    {
        using var app = App(new() { ["StatusPage:PublicUrl"] = "https://status.example.com" });
        using var client = app.CreateRawClient();
        // A browser would hold on to the Secure antiforgery cookie; a plain http test client would not, so it is carried by hand.
        var form = await client.GetAsync("/Account/Login");
        var antiforgery = SetCookies(form);
        Assert.All(antiforgery, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        var token = System.Text.RegularExpressions.Regex.Match(await form.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["Input.Email"] = "author@demo.local",
                ["Input.Password"] = AppFactory.DemoPassword,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", antiforgery.Select(c => c.Split(';')[0])));
        var login = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var auth = SetCookies(login).Single(c => c.StartsWith("CrisisComms.Auth=", StringComparison.Ordinal));
        Assert.Contains("; secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", auth, StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
}
