using Microsoft.AspNetCore.Hosting;
using System.Net;

namespace CrisisComms.Tests.Infrastructure;

public sealed class SecurityHeadersTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/api/staff/v1/no-such-endpoint", HttpStatusCode.NotFound)]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/api/staff/v1/me", HttpStatusCode.Unauthorized)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    public async Task Every_response_carries_the_security_headers_errors_included(string path, HttpStatusCode expected)
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("base-uri 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task A_missing_page_gets_the_friendly_not_found_page()
    {
        using var client = app.CreateRawClient();
        var response = await client.GetAsync("/no-such-page");
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_api_endpoint_gets_problem_details()
    {
        using var client = app.CreateRawClient();
        var problem = await ProblemJson.ReadAsync(await client.GetAsync("/api/staff/v1/no-such-endpoint"));
        Assert.Equal(404, problem.Status);
    }
}

/// <summary>HSTS is only for real deployments (Development runs on plain http://localhost).</summary>
public sealed class HstsTests : IDisposable
{
    private readonly ProductionFactory _app = new();

    [Fact]
    public async Task Outside_development_https_responses_carry_hsts()
    {
        using var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://status.example") });
        var response = await client.GetAsync("/healthz");
        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    public void Dispose() => _app.Dispose();

    private sealed class ProductionFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "crisiscomms-tests", Guid.NewGuid().ToString("n"));

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Storage:DataDirectory", _dir);
        }
    }
}
