using System.Security.Claims;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Accounts;

public enum SignInOutcome { Succeeded, RequiresTwoFactor, LockedOut, Disabled, Invalid }

/// <summary>What a sign-in attempt came to, with a message fit to show the person.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, string Message, DateTimeOffset? LockedUntil = null)
{
    public bool Succeeded => Outcome == SignInOutcome.Succeeded;
}

/// <summary>A staff API bearer token and when it stops working.</summary>
public sealed record StaffToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// The one place sign-in rules live, for the login page and the token endpoint alike:
/// lockout after Auth:MaxFailedAccessAttempts failures, disabled accounts refused, TOTP when
/// enabled, and one audit entry per attempt.
/// </summary>
public sealed class StaffSignInService(
    AppSignInManager signIn,
    UserManager<ApplicationUser> users,
    AppDbContext db,
    AuditLog audit,
    TimeProvider time,
    IOptions<AuthOptions> auth,
    IOptionsMonitor<BearerTokenOptions> bearer)
{
    public const string InvalidMessage = "Invalid email or password.";

    /// <summary>Email and password for the cookie session. On RequiresTwoFactor the login page asks for the code next.</summary>
    public async Task<SignInAttempt> PasswordSignInAsync(string email, string password, bool rememberMe)
    {
        var user = await FindAsync(email);
        if (user is null || user.IsDisabled) return await RefuseUnknownOrDisabledAsync(user, email, password);
        var result = await signIn.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        return await RecordAsync(user, email, await DescribeAsync(user, result));
    }

    /// <summary>Second step of a cookie sign-in, for the user who passed the password step.</summary>
    public async Task<SignInAttempt> TwoFactorSignInAsync(string code, bool rememberMe, bool rememberMachine)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return new SignInAttempt(SignInOutcome.Invalid, "Your sign-in expired. Enter your email and password again.");
        var clean = NormaliseCode(code ?? "");
        // Six digits: the authenticator app. Anything else: a one-time recovery code ("ABCDE-12345").
        var result = clean.Length <= 8 && clean.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(clean, rememberMe, rememberMachine)
            : await signIn.TwoFactorRecoveryCodeSignInAsync((code ?? "").Replace(" ", "", StringComparison.Ordinal));
        var attempt = result.Succeeded || result.IsLockedOut || result.IsNotAllowed
            ? await DescribeAsync(user, result)
            : new SignInAttempt(SignInOutcome.Invalid, "That authenticator code is not valid. Codes change every 30 seconds; try the current one.");
        return await RecordAsync(user, user.Email ?? "", attempt);
    }

    /// <summary>Email, password and (if the account has two-factor on) the current TOTP code for a bearer token.</summary>
    public async Task<(SignInAttempt Attempt, StaffToken? Token)> IssueTokenAsync(string email, string password, string? twoFactorCode)
    {
        var user = await FindAsync(email);
        if (user is null || user.IsDisabled) return (await RefuseUnknownOrDisabledAsync(user, email, password), null);

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        var attempt = await DescribeAsync(user, result);
        if (attempt.Succeeded && user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(twoFactorCode))
                attempt = new SignInAttempt(SignInOutcome.RequiresTwoFactor, "This account has two-factor sign-in: send twoFactorCode with the current authenticator code.");
            else if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, NormaliseCode(twoFactorCode)))
            {
                await users.AccessFailedAsync(user);
                attempt = await users.IsLockedOutAsync(user)
                    ? await DescribeAsync(user, Microsoft.AspNetCore.Identity.SignInResult.LockedOut)
                    : new SignInAttempt(SignInOutcome.Invalid, "The two-factor code is not valid.");
            }
        }
        await RecordAsync(user, email, attempt);
        if (!attempt.Succeeded) return (attempt, null);

        var principal = await signIn.CreateUserPrincipalAsync(user);
        var now = time.GetUtcNow();
        var expires = now + auth.Value.TokenLifetime;
        var ticket = new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(principal.Claims, IdentityConstants.BearerScheme)),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = expires },
            IdentityConstants.BearerScheme);
        var token = bearer.Get(IdentityConstants.BearerScheme).BearerTokenProtector.Protect(ticket);
        return (attempt, new StaffToken(token, expires));
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    private async Task<ApplicationUser?> FindAsync(string email) =>
        string.IsNullOrWhiteSpace(email) || email.Length > ApplicationUser.EmailMaxLength ? null : await users.FindByEmailAsync(email.Trim());

    private static SignInAttempt Invalid() => new(SignInOutcome.Invalid, InvalidMessage);

    /// <summary>
    /// Unknown email and disabled account answer exactly as a wrong password does, after the same work: a password hash
    /// is verified either way (against a fixed dummy hash for an unknown email), so neither the answer nor its timing
    /// tells an outsider which addresses have accounts or which accounts are disabled. The audit trail still says which.
    /// </summary>
    private async Task<SignInAttempt> RefuseUnknownOrDisabledAsync(ApplicationUser? user, string email, string password)
    {
        var hasher = users.PasswordHasher;
        if (user is null) hasher.VerifyHashedPassword(DummyUser, DummyHash(hasher), password);
        else hasher.VerifyHashedPassword(user, user.PasswordHash ?? DummyHash(hasher), password);
        await RecordAsync(user, email, new SignInAttempt(user is null ? SignInOutcome.Invalid : SignInOutcome.Disabled, InvalidMessage));
        return Invalid();
    }

    private static readonly ApplicationUser DummyUser = new() { Id = "00000000-0000-0000-0000-000000000000", UserName = "nobody" };
    private static string? _dummyHash;

    /// <summary>A hash made once by the app's own hasher (same algorithm and cost as real passwords), of a password nobody types.</summary>
    private static string DummyHash(IPasswordHasher<ApplicationUser> hasher) =>
        _dummyHash ??= hasher.HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    private async Task<SignInAttempt> DescribeAsync(ApplicationUser user, Microsoft.AspNetCore.Identity.SignInResult result)
    {
        if (result.Succeeded) return new SignInAttempt(SignInOutcome.Succeeded, "Signed in.");
        if (result.RequiresTwoFactor) return new SignInAttempt(SignInOutcome.RequiresTwoFactor, "Enter the code from your authenticator app.");
        if (result.IsLockedOut)
        {
            var until = await users.GetLockoutEndDateAsync(user);
            return new SignInAttempt(SignInOutcome.LockedOut,
                $"This account is locked after too many failed sign-ins. Try again after {until:HH:mm} UTC, or ask an administrator.", until);
        }
        // Disabled (an admin just did it): the same answer as a wrong password; the audit trail records which.
        if (result.IsNotAllowed) return new SignInAttempt(SignInOutcome.Disabled, InvalidMessage);
        return Invalid();
    }

    private async Task<SignInAttempt> RecordAsync(ApplicationUser? user, string email, SignInAttempt attempt)
    {
        var action = attempt.Outcome switch
        {
            SignInOutcome.Succeeded => "auth.sign-in",
            SignInOutcome.RequiresTwoFactor => "auth.password-ok-two-factor-pending",
            SignInOutcome.LockedOut => "auth.sign-in-locked-out",
            SignInOutcome.Disabled => "auth.sign-in-disabled",
            _ => "auth.sign-in-failed",
        };
        var who = user is null ? new AuditActor(null, Truncate(email, 256)) : new AuditActor(user.Id, user.Email ?? email);
        var summary = user is null ? $"Unknown email \"{Truncate(email, 256)}\""
            : attempt.Outcome == SignInOutcome.Disabled ? "Sign-in refused: the account is disabled (answered as a wrong password)"
            : attempt.Message;
        audit.Record(who, action, "user", user?.Id ?? "unknown", summary);
        await db.SaveChangesAsync();
        return attempt;
    }

    private static string NormaliseCode(string code) => code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
