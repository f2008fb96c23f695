using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrisisComms.Tests.Infrastructure.Hosting;

/// <summary>
/// The data-protection keys sign every cookie and API token: with a certificate configured, whoever reads the database
/// (a backup, a replica) finds them encrypted; without one, Production says so at start.
/// </summary>
public sealed class DataProtectionAtRestTests : IDisposable
{
    private const string CertificatePassword = "Pfx-Password-42";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crisiscomms-dp-tests", Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string WriteCertificate()
    {
        Directory.CreateDirectory(_folder);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CrisisComms data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));
        var path = Path.Combine(_folder, "data-protection.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, CertificatePassword));
        return path;
    }

    [Fact]
    public async Task With_a_certificate_configured_the_keys_in_the_database_are_encrypted_and_sign_in_still_works()
    {
        using var app = AppFactory.With(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = WriteCertificate(),
            ["DataProtection:CertificatePassword"] = CertificatePassword,
        }, postgres: false);

        // Issuing a token creates the first key; using it decrypts that key again.
        using var client = app.CreateRawClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.TokenAsync("author@demo.local"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/staff/v1/incidents")).StatusCode);

        var keys = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Without_a_certificate_the_keys_are_plain_which_is_why_production_warns()
    {
        using var app = AppFactory.With(new Dictionary<string, string?>(), postgres: false);
        await app.TokenAsync("author@demo.local");
        var keys = await app.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        Assert.Contains(keys, xml => xml!.Contains("<masterKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_start_up_warns_about_a_missing_public_url_and_unencrypted_keys()
    {
        var logged = await WarningsAsync("Production", new StatusPageOptions(), new DataProtectionSettings());
        Assert.Contains(logged, l => l.StartsWith("StatusPage:PublicUrl is not set", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.StartsWith("DataProtection:CertificatePath is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_start_up_is_quiet_when_both_are_set_and_development_never_warns()
    {
        var configured = await WarningsAsync("Production",
            new StatusPageOptions { PublicUrl = "https://status.example.com" }, new DataProtectionSettings { CertificatePath = "/etc/crisiscomms/dp.pfx" });
        Assert.Empty(configured);
        Assert.Empty(await WarningsAsync("Development", new StatusPageOptions(), new DataProtectionSettings()));
    }

    private static async Task<List<string>> WarningsAsync(string environment, StatusPageOptions statusPage, DataProtectionSettings dataProtection)
    {
        var logger = new ListLogger();
        var warnings = new ProductionWarnings(new Env { EnvironmentName = environment }, Options.Create(statusPage), Options.Create(dataProtection), logger);
        await warnings.StartAsync(CancellationToken.None);
        return logger.Warnings;
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "CrisisComms.Web";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private sealed class ListLogger : ILogger<ProductionWarnings>
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
