using System.Net;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Hosting;

/// <summary>
/// How the app sits in its deployment: start-up failure reporting, trusted reverse proxies, Secure cookies, data-protection
/// keys encrypted with a certificate, and warnings in Production when something a public deployment needs is missing.
/// </summary>
public static class HostingExtensions
{
    public static IServiceCollection AddAppHosting(this IServiceCollection services, IConfiguration configuration)
    {
        StartupPhase.AddStartupPhase(services);
        services.AddValidatedOptions<ForwardedHeadersSettings>();
        services.AddValidatedOptions<DataProtectionSettings>();

        // PostConfigure: ASPNETCORE_FORWARDEDHEADERS_ENABLED=true makes ASP.NET trust every sender; the configured list wins.
        services.AddOptions<ForwardedHeadersOptions>().PostConfigure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Every hop is checked against the lists (walking back from the nearest), so no fixed count is needed.
            o.ForwardLimit = null;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            var proxies = settings.Value.Proxies;
            var networks = settings.Value.Networks;
            if (proxies.Count == 0 && networks.Count == 0)
            {
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
                o.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
                return;
            }
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });

        // Secure on every HTTPS request (as a trusted proxy reports it), and always when the public address is https.
        services.AddOptions<CookiePolicyOptions>().Configure<IOptions<StatusPageOptions>>((o, statusPage) =>
            o.Secure = IsHttps(statusPage.Value.PublicUrl) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);

        // Read now: data protection takes its certificate while services are registered. A bad path or password is
        // reported by the options validation on start (naming the key); the keys are then left as they are.
        var dataProtection = configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new DataProtectionSettings();
        if (dataProtection.IsConfigured && !dataProtection.Validate().Any())
            services.AddDataProtection().ProtectKeysWithCertificate(dataProtection.Load()!);

        services.AddHostedService<ProductionWarnings>();
        return services;
    }

    /// <summary>First in the pipeline: the client's address and scheme from a trusted proxy, then the cookie policy.</summary>
    public static IApplicationBuilder UseAppHosting(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        return app;
    }

    internal static bool IsHttps(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}

/// <summary>In Production, one warning per setting a public deployment should have and does not.</summary>
public sealed class ProductionWarnings(
    IHostEnvironment environment,
    IOptions<StatusPageOptions> statusPage,
    IOptions<DataProtectionSettings> dataProtection,
    ILogger<ProductionWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        if (!environment.IsProduction()) return Task.CompletedTask;
        if (string.IsNullOrWhiteSpace(statusPage.Value.PublicUrl))
            logger.LogWarning("StatusPage:PublicUrl is not set: links in the feeds, the JSON API and link previews are built from each request's Host header. Set it to the status page's public address, e.g. https://status.example.com");
        if (!dataProtection.Value.IsConfigured)
            logger.LogWarning("DataProtection:CertificatePath is not set: the data-protection keys, which sign sign-in cookies and API tokens, are stored unencrypted in the database. Set DataProtection:CertificatePath (a .pfx with an RSA private key) and DataProtection:CertificatePassword to encrypt them");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
