using System.Security.Claims;
using CrisisComms.Web.Features.Live;

namespace CrisisComms.Web.Components.Layout;

/// <summary>A number shown beside a navigation entry (e.g. statements waiting for my signature). Features register their own.</summary>
public interface INavBadge
{
    /// <summary>The navigation entry it belongs to.</summary>
    string Href { get; }

    Task<int> CountAsync(ClaimsPrincipal user);

    /// <summary>
    /// Whether <paramref name="change"/> can change <paramref name="user"/>'s count, so the menu recounts at
    /// once rather than on the next navigation. By default no change does.
    /// </summary>
    bool IsAffectedBy(ChangeEvent change, ClaimsPrincipal user) => false;
}
