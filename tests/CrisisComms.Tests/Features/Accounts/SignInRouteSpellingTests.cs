using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CrisisComms.Tests.Infrastructure;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>
/// The sign-in rate limit (10 a minute per client address) and the lockout hold however a sign-in route is spelt:
/// case, a trailing slash, percent-encoded letters, doubled slashes — on the login form, the two-factor step and the
/// token endpoint. The app runs on Kestrel so paths reach it exactly as sent; each test row is a client of its own
/// (its own loopback source address), so rows do not share a budget unless the test means them to.
/// </summary>
public sealed partial class SignInRouteSpellingTests(SignInRouteSpellingTests.LimitedApp app) : IClassFixture<SignInRouteSpellingTests.LimitedApp>
{
    public sealed class LimitedApp() : KestrelAppFactory(new Dictionary<string, string?>
    {
        ["Auth:LoginRateLimit:PermitLimit"] = "10",
        ["Auth:LoginRateLimit:Window"] = "00:01:00",
    });

    public enum Route { Form, TwoFactor, Token }

    public static TheoryData<Route, string> Spellings => new()
    {
        { Route.Form, "/Account/Login" },
        { Route.Form, "/account/login" },
        { Route.Form, "/ACCOUNT/LOGIN" },
        { Route.Form, "/Account/Login/" },
        { Route.Form, "/Account/%4Cogin" },
        { Route.Form, "/%61ccount/login" },
        { Route.Form, "//Account/Login" },
        { Route.Form, "/Account//Login" },
        { Route.TwoFactor, "/Account/LoginWith2fa" },
        { Route.TwoFactor, "/account/loginwith2fa/" },
        { Route.TwoFactor, "/Account/LoginWith%32fa" },
        { Route.TwoFactor, "//Account//LoginWith2fa" },
        { Route.Token, "/api/staff/v1/auth/token" },
        { Route.Token, "/API/Staff/V1/Auth/Token" },
        { Route.Token, "/api/staff/v1/auth/token/" },
        { Route.Token, "/api/staff/v1/auth/%74oken" },
        { Route.Token, "/api/staff/v1/auth/%54OKEN" },
        { Route.Token, "//api/staff/v1/auth/token" },
        { Route.Token, "/api//staff/v1//auth/token" },
    };

    private static int _nextAddress = 10;

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task The_eleventh_attempt_in_a_minute_is_refused_whatever_the_spelling(Route route, string path)
    {
        using var client = new Client(app.BaseAddress, NextAddress());
        for (var i = 1; i <= 10; i++)
        {
            var allowed = await client.AttemptAsync(route, path);
            Assert.True(allowed.StatusCode != HttpStatusCode.TooManyRequests, $"attempt {i} at {path} was refused too early");
        }

        var refused = await client.AttemptAsync(route, path);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_spelling_of_every_sign_in_route_spends_the_same_budget()
    {
        using var client = new Client(app.BaseAddress, NextAddress());
        var rows = Spellings.Select(r => ((Route)r[0], (string)r[1])).ToList();
        for (var i = 0; i < 10; i++)
        {
            var (route, path) = rows[i * 2 % rows.Count];
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.AttemptAsync(route, path)).StatusCode);
        }

        foreach (var (route, path) in rows)
            Assert.True((await client.AttemptAsync(route, path)).StatusCode == HttpStatusCode.TooManyRequests, $"{route} {path} was not refused once the budget was spent");
    }

    [Fact]
    public async Task Wrong_passwords_at_different_spellings_lock_the_one_account()
    {
        var (_, email) = await app.CreateUserAsync("spelllock", "Author");
        using var client = new Client(app.BaseAddress, NextAddress());
        string[] paths = ["/api/staff/v1/auth/token", "/API/staff/v1/auth/token/", "/api/staff/v1/auth/%74oken", "/api/staff/v1/AUTH/token", "/Api/Staff/V1/Auth/Token"];
        foreach (var path in paths)
            Assert.NotEqual(HttpStatusCode.OK, (await client.TokenAsync(path, email, "Wrong-Password-99")).StatusCode);

        var right = await client.TokenAsync("/api/staff/v1/auth/token/", email, AppFactory.UserPassword);

        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Equal("Account locked.", (await ProblemJson.ReadAsync(right)).Title);
    }

    private static string NextAddress() => $"127.0.0.{Interlocked.Increment(ref _nextAddress)}";

    /// <summary>A client whose connections come from one loopback address, sending paths exactly as written.</summary>
    private sealed partial class Client : IDisposable
    {
        private readonly HttpClient _http;
        private readonly Uri _base;
        private string? _antiforgery;

        public Client(Uri baseAddress, string sourceAddress)
        {
            _base = baseAddress;
            var source = IPAddress.Parse(sourceAddress);
            _http = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = true,
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            });
        }

        /// <summary>The URI as written: no unescaping of %XX, no collapsing of "//".</summary>
        private Uri Exact(string path) =>
            new(_base.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        public async Task<HttpResponseMessage> AttemptAsync(Route route, string path) => route switch
        {
            Route.Token => await TokenAsync(path, $"nobody-{Guid.NewGuid():n}@demo.local", "Some-Password-123"),
            Route.Form => await FormAsync(path, "login", new() { ["Input.Email"] = $"nobody-{Guid.NewGuid():n}@demo.local", ["Input.Password"] = "Some-Password-123" }),
            _ => await FormAsync(path, "login-2fa", new() { ["Input.Code"] = "123456" }),
        };

        public Task<HttpResponseMessage> TokenAsync(string path, string email, string password) =>
            _http.PostAsJsonAsync(Exact(path), new { email, password });

        private async Task<HttpResponseMessage> FormAsync(string path, string handler, Dictionary<string, string> fields)
        {
            _antiforgery ??= WebUtility.HtmlDecode(AntiforgeryField().Match(await _http.GetStringAsync(new Uri(_base, "Account/Login"))).Groups[1].Value);
            fields["_handler"] = handler;
            fields["__RequestVerificationToken"] = _antiforgery;
            return await _http.PostAsync(Exact(path), new FormUrlEncodedContent(fields));
        }

        public void Dispose() => _http.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
        private static partial Regex AntiforgeryField();
    }
}
