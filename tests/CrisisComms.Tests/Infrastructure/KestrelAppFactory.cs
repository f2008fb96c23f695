using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// An <see cref="AppFactory"/> on real Kestrel (a free port on 127.0.0.1), for what the in-memory test server does not
/// do as production does: WebSockets for SignalR clients, the path exactly as a client spelt it, the client's address.
/// </summary>
public class KestrelAppFactory : AppFactory
{
    public KestrelAppFactory() : this(new Dictionary<string, string?>()) { }

    protected KestrelAppFactory(IDictionary<string, string?> settings) : base(settings, postgres: null)
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException("Kestrel reported no listening addresses.");
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)).TrimEnd('/') + "/");
        ClientOptions.BaseAddress = BaseAddress; // CreateClient, CreateRawClient, TokenAsync … go to Kestrel
    }

    /// <summary>An app on Kestrel with some settings overridden.</summary>
    public static KestrelAppFactory With(IDictionary<string, string?> settings) => new(settings);

    /// <summary>Where Kestrel listens, e.g. "http://127.0.0.1:41234/".</summary>
    public Uri BaseAddress { get; }
}
