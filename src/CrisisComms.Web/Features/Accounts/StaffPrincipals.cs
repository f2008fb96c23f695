using System.Security.Claims;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>A signed-in staff member as the database says they are right now.</summary>
public sealed record StaffUser(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles)
{
    public bool IsIn(string role) => Roles.Contains(role);
}

/// <summary>
/// Re-reads a principal's user from the database: a disabled account, a changed security stamp
/// (password, two-factor, disable) or a deleted user yields null; otherwise the roles are the
/// current ones, not the ones captured at sign-in. This is what makes a role removed by an admin
/// take effect on the user's next action.
/// </summary>
public sealed class StaffPrincipalRefresher(UserManager<ApplicationUser> users, IOptions<IdentityOptions> identity)
{
    public async Task<(ClaimsPrincipal Principal, StaffUser User)?> RefreshAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identityIn) return null;
        var claimTypes = identity.Value.ClaimsIdentity;
        var userId = principal.FindFirstValue(claimTypes.UserIdClaimType);
        if (userId is null) return null;

        var user = await users.FindByIdAsync(userId);
        if (user is null || user.IsDisabled) return null;
        if (users.SupportsUserSecurityStamp && principal.FindFirstValue(claimTypes.SecurityStampClaimType) != user.SecurityStamp)
            return null;

        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var refreshed = new ClaimsIdentity(
            identityIn.Claims.Where(c => c.Type != claimTypes.RoleClaimType),
            identityIn.AuthenticationType, claimTypes.UserNameClaimType, claimTypes.RoleClaimType);
        foreach (var role in roles) refreshed.AddClaim(new Claim(claimTypes.RoleClaimType, role));

        return (new ClaimsPrincipal(refreshed), new StaffUser(user.Id, user.Email ?? "", user.DisplayName, roles));
    }
}

/// <summary>
/// The check every service makes before it acts: the caller is signed in, enabled, and holds one
/// of the roles — according to the database at this moment, not a cookie or a hidden button.
/// </summary>
public sealed class StaffAuthorizer(StaffPrincipalRefresher refresher)
{
    public async Task<StaffUser> RequireAsync(ClaimsPrincipal actor, params string[] anyOfRoles)
    {
        var current = await refresher.RefreshAsync(actor)
            ?? throw new AccessDeniedException("Your session is no longer valid (signed out, disabled or changed). Sign in again.", unauthenticated: true);
        if (anyOfRoles.Length > 0 && !anyOfRoles.Any(current.User.IsIn))
            throw new AccessDeniedException($"This needs the {string.Join(" or ", anyOfRoles)} role; you have {(current.User.Roles.Count == 0 ? "no roles" : string.Join(", ", current.User.Roles))}.");
        return current.User;
    }
}

/// <summary>Applies <see cref="StaffPrincipalRefresher"/> to every authenticated HTTP request (cookie or bearer).</summary>
internal sealed class StaffClaimsTransformation(StaffPrincipalRefresher refresher) : Microsoft.AspNetCore.Authentication.IClaimsTransformation
{
    private ClaimsPrincipal? _input;
    private ClaimsPrincipal? _output;

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return principal;
        // Authentication can run more than once per request; the database is asked once.
        if (ReferenceEquals(principal, _input) || ReferenceEquals(principal, _output)) return _output!;
        _input = principal;
        _output = (await refresher.RefreshAsync(principal))?.Principal ?? new ClaimsPrincipal(new ClaimsIdentity());
        return _output;
    }
}
