using System.Security.Claims;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>POST /api/staff/v1/auth/token body.</summary>
public sealed record TokenRequest(string? Email, string? Password, string? TwoFactorCode);

/// <summary>A bearer token for the staff API.</summary>
public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>The caller, as the database knows them now.</summary>
public sealed record MeResponse(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>POST /api/staff/v1/users body.</summary>
public sealed record CreateUserBody(string? Email, string? DisplayName, string? Password, List<string>? Roles);

/// <summary>POST /api/staff/v1/users/{id}/password body.</summary>
public sealed record ResetPasswordBody(string? Password);

/// <summary>Staff API: tokens, the caller, and account administration.</summary>
public static class AccountsApi
{
    public static void MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapStaffApiGroup();

        app.MapGroup(StaffApi.Prefix).WithTags("Auth").MapPost("/auth/token", IssueTokenAsync).AllowAnonymous().WithMetadata(new SignInEndpointAttribute())
            .WithSummary("Exchange email + password (+ TOTP code when two-factor is on) for a bearer token. Lockout and rate limit apply.");

        api.MapGet("/me", async (ClaimsPrincipal user, StaffAuthorizer authz) =>
        {
            var me = await authz.RequireAsync(user);
            return TypedResults.Ok(new MeResponse(me.Id, me.Email, me.DisplayName, me.Roles));
        }).WithTags("Auth").WithSummary("The signed-in user and their current roles.");

        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", async (ClaimsPrincipal user, UserAdminService admin) => TypedResults.Ok(await admin.ListAsync(user)))
            .WithSummary("All staff accounts (Admin).");
        users.MapPost("", async (CreateUserBody body, ClaimsPrincipal user, UserAdminService admin) =>
        {
            var id = await admin.CreateAsync(user, new CreateUserRequest
            {
                Email = body.Email ?? "", DisplayName = body.DisplayName ?? "", Password = body.Password ?? "", Roles = body.Roles ?? [],
            });
            return TypedResults.Created($"{StaffApi.Prefix}/users/{id}", new { id });
        }).WithSummary("Create a staff account (Admin).");
        users.MapPut("/{id}/roles/{role}", async (string id, string role, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.SetRoleAsync(user, id, role, granted: true);
            return TypedResults.NoContent();
        }).WithSummary("Grant a role (Admin).");
        users.MapDelete("/{id}/roles/{role}", async (string id, string role, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.SetRoleAsync(user, id, role, granted: false);
            return TypedResults.NoContent();
        }).WithSummary("Remove a role (Admin).");
        users.MapPost("/{id}/disable", async (string id, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.SetDisabledAsync(user, id, disabled: true);
            return TypedResults.NoContent();
        }).WithSummary("Disable an account; its sessions and tokens stop on their next request (Admin).");
        users.MapPost("/{id}/enable", async (string id, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.SetDisabledAsync(user, id, disabled: false);
            return TypedResults.NoContent();
        }).WithSummary("Enable a disabled account (Admin).");
        users.MapPost("/{id}/password", async (string id, ResetPasswordBody body, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.ResetPasswordAsync(user, id, body.Password ?? "");
            return TypedResults.NoContent();
        }).WithSummary("Set a new password; every session, token and live connection of the account ends within seconds (Admin).");
        users.MapPost("/{id}/sign-out-everywhere", async (string id, ClaimsPrincipal user, UserAdminService admin) =>
        {
            await admin.SignOutEverywhereAsync(user, id);
            return TypedResults.NoContent();
        }).WithSummary("End every session, token and live connection of the account (the account itself, or Admin).");
        api.MapPost("/me/sign-out-everywhere", async (ClaimsPrincipal user, StaffAuthorizer authz, UserAdminService admin) =>
        {
            var me = await authz.RequireAsync(user);
            await admin.SignOutEverywhereAsync(user, me.Id);
            return TypedResults.NoContent();
        }).WithTags("Auth").WithSummary("End every session, token and live connection of your own account, this one included.");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> IssueTokenAsync(
        [FromBody] TokenRequest? body, StaffSignInService signIn)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body?.Email)) errors["email"] = ["Email is required."];
        else if (body.Email.Length > ApplicationUser.EmailMaxLength) errors["email"] = [$"Email must be at most {ApplicationUser.EmailMaxLength} characters."];
        else if (!EmailRules.IsValid(body.Email.Trim())) errors["email"] = [$"\"{body.Email}\" is not a valid email address."];
        if (string.IsNullOrEmpty(body?.Password)) errors["password"] = ["Password is required."];
        else if (body.Password.Length > 256) errors["password"] = ["Password must be at most 256 characters."];
        if (body?.TwoFactorCode is { Length: > 32 }) errors["twoFactorCode"] = ["Two-factor code must be at most 32 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The request has invalid fields.");

        var (attempt, token) = await signIn.IssueTokenAsync(body!.Email!, body.Password!, body.TwoFactorCode);
        if (token is not null) return TypedResults.Ok(new TokenResponse(token.Token, token.ExpiresAt));

        // A disabled account answers as a wrong password does (401 "Sign-in failed."), so it cannot be told apart.
        var status = attempt.Outcome is SignInOutcome.LockedOut
            ? StatusCodes.Status403Forbidden
            : StatusCodes.Status401Unauthorized;
        var extensions = attempt.LockedUntil is { } until ? new Dictionary<string, object?> { ["lockedUntil"] = until } : null;
        return TypedResults.Problem(statusCode: status, title: attempt.Outcome switch
        {
            SignInOutcome.LockedOut => "Account locked.",
            SignInOutcome.RequiresTwoFactor => "Two-factor code required.",
            _ => "Sign-in failed.",
        }, detail: attempt.Message, extensions: extensions);
    }
}
