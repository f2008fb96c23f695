using System.Security.Claims;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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

        // Never a tracked copy: a context that already loaded this user (earlier in the same operation, or in
        // any context living longer than one call) would answer with what it saw then, e.g. "enabled" after an
        // admin disabled them elsewhere.
        var user = await users.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId);
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

/// <summary>
/// Hooks <see cref="StaffPrincipalRefresher"/> into both sign-in handlers, so every HTTP request
/// (cookie or bearer) carries the user's current roles, and a disabled or changed account is
/// unauthenticated (401 / back to the login page) on its next request.
/// </summary>
internal static class StaffSessionValidation
{
    /// <summary>Cookie: replaces Identity's 30-minute security-stamp check with a check on every request.</summary>
    public static async Task ValidateCookieAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        var refreshed = context.Principal is null ? null : await RefreshAsync(context.HttpContext, context.Principal);
        if (refreshed is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
        else
        {
            context.ReplacePrincipal(refreshed.Value.Principal);
        }
    }

    /// <summary>Bearer: reads the token as the stock handler would, then checks the user against the database.</summary>
    public static async Task ValidateBearerAsync(Microsoft.AspNetCore.Authentication.BearerToken.MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return;
        var ticket = context.Options.BearerTokenProtector.Unprotect(header["Bearer ".Length..].Trim());
        if (ticket?.Properties.ExpiresUtc is not { } expires || (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow() >= expires)
        {
            context.Fail("The token is invalid or has expired.");
            return;
        }
        var refreshed = await RefreshAsync(context.HttpContext, ticket.Principal);
        if (refreshed is null)
        {
            context.Fail("The account behind this token is disabled or changed; request a new token.");
            return;
        }
        context.Principal = refreshed.Value.Principal;
        context.Properties = ticket.Properties;
        context.Success();
    }

    /// <summary>
    /// The check runs in a scope of its own, not the request's. A Blazor circuit's WebSocket and a hub connection are
    /// requests that last for hours: the DbContext and UserManager of this check would otherwise stay alive with them.
    /// </summary>
    private static async Task<(ClaimsPrincipal Principal, StaffUser User)?> RefreshAsync(HttpContext http, ClaimsPrincipal principal)
    {
        await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StaffPrincipalRefresher>().RefreshAsync(principal);
    }
}
