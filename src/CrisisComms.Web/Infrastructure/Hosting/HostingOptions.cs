using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CrisisComms.Web.Infrastructure.Options;

namespace CrisisComms.Web.Infrastructure.Hosting;

/// <summary>Which reverse proxies may tell the app the client's address and scheme (X-Forwarded-For / X-Forwarded-Proto).</summary>
public sealed class ForwardedHeadersSettings : ISelfValidatingOptions
{
    public static string Section => "ForwardedHeaders";

    /// <summary>Comma-separated proxy addresses, e.g. "10.0.0.5, 10.0.0.6". With neither list set, only loopback is trusted.</summary>
    public string? KnownProxies { get; set; }

    /// <summary>Comma-separated networks in CIDR form, e.g. "10.0.0.0/8, fd00::/8".</summary>
    public string? KnownNetworks { get; set; }

    public IReadOnlyList<IPAddress> Proxies => Split(KnownProxies).Select(p => IPAddress.TryParse(p, out var a) ? a : null).OfType<IPAddress>().ToList();

    public IReadOnlyList<IPNetwork> Networks =>
        Split(KnownNetworks).Select(n => IPNetwork.TryParse(n, out var net) ? (IPNetwork?)net : null).OfType<IPNetwork>().ToList();

    public IEnumerable<string> Validate()
    {
        foreach (var proxy in Split(KnownProxies).Where(p => !IPAddress.TryParse(p, out _)))
            yield return $"ForwardedHeaders:KnownProxies \"{proxy}\" is not an IP address (for example \"10.0.0.5\"; separate several with commas).";
        foreach (var network in Split(KnownNetworks).Where(n => !IPNetwork.TryParse(n, out _)))
            yield return $"ForwardedHeaders:KnownNetworks \"{network}\" is not a network in CIDR form (for example \"10.0.0.0/8\"; separate several with commas).";
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Encryption at rest of the data-protection keys (they sign cookies, antiforgery and API tokens) with a certificate.</summary>
public sealed class DataProtectionSettings : ISelfValidatingOptions
{
    public static string Section => "DataProtection";

    /// <summary>A PKCS#12 (.pfx/.p12) file with a private key; absolute, or relative to the working directory. Empty: keys are stored unencrypted.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The file's password (an environment variable or secret store, never a committed file).</summary>
    public string? CertificatePassword { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>The certificate, or null when none is configured. Throws <see cref="CryptographicException"/> when it cannot be read.</summary>
    public X509Certificate2? Load() => IsConfigured
        ? X509CertificateLoader.LoadPkcs12FromFile(Path.GetFullPath(CertificatePath!), CertificatePassword, X509KeyStorageFlags.EphemeralKeySet)
        : null;

    public IEnumerable<string> Validate()
    {
        if (!IsConfigured) yield break;
        var path = Path.GetFullPath(CertificatePath!);
        if (!File.Exists(path))
        {
            yield return $"DataProtection:CertificatePath \"{path}\" does not exist (a .pfx file with a private key).";
            yield break;
        }
        string? problem = null;
        try
        {
            using var certificate = Load()!;
            if (!certificate.HasPrivateKey) problem = "it holds no private key, which decrypting the keys needs";
            else if (certificate.GetRSAPrivateKey() is null) problem = "its key is not RSA, which key encryption needs";
        }
        catch (CryptographicException)
        {
            // The password is never echoed.
            problem = "it could not be opened: wrong DataProtection:CertificatePassword, or not a PKCS#12 (.pfx) file";
        }
        if (problem is not null) yield return $"DataProtection:CertificatePath \"{path}\": {problem}.";
    }
}
