using Microsoft.AspNetCore.SignalR;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>
/// The public hub at /hubs/status. Server to client only: "updated" tells an open status page that
/// something public changed, so it fetches the (output-cached) page again. Clients can call nothing.
/// </summary>
public sealed class StatusHub : Hub
{
    public const string Path = "/hubs/status";
    public const string UpdatedMessage = "updated";
}

/// <summary>What an open page is told: the new version (a hash of what the public can see) and when.</summary>
public sealed record PublicStatusUpdated(string Version, DateTimeOffset UpdatedAt);
