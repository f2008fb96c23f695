using System.Security.Claims;

namespace CrisisComms.Web.Components.Layout;

/// <summary>A number shown beside a navigation entry (e.g. statements waiting for my signature). Features register their own.</summary>
public interface INavBadge
{
    /// <summary>The navigation entry it belongs to.</summary>
    string Href { get; }

    Task<int> CountAsync(ClaimsPrincipal user);
}
