using System.Security.Claims;
using System.Text;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using QRCoder;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>Where a user's two-factor sign-in stands.</summary>
public sealed record TwoFactorStatus(bool Enabled, int RecoveryCodesLeft);

/// <summary>What the user needs to add this account to an authenticator app.</summary>
public sealed record AuthenticatorSetup(string SharedKey, string AuthenticatorUri, string QrCodeSvg);

/// <summary>TOTP two-factor for the signed-in user's own account (profile page).</summary>
public sealed class TwoFactorService(
    StaffAuthorizer authorizer,
    UserManager<ApplicationUser> users,
    IUserStore<ApplicationUser> store,
    AppDbContext db,
    AuditLog audit,
    IOptions<OrganisationOptions> org)
{
    private readonly IUserAuthenticatorKeyStore<ApplicationUser> keys = (IUserAuthenticatorKeyStore<ApplicationUser>)store;

    public async Task<TwoFactorStatus> GetStatusAsync(ClaimsPrincipal actor)
    {
        var user = await CurrentAsync(actor);
        return new TwoFactorStatus(user.TwoFactorEnabled, user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0);
    }

    /// <summary>A new authenticator key (replacing any unconfirmed one) with its otpauth:// URI and QR code.</summary>
    public async Task<AuthenticatorSetup> BeginSetupAsync(ClaimsPrincipal actor)
    {
        var user = await CurrentAsync(actor);
        if (user.TwoFactorEnabled) throw new ConflictException("Two-factor sign-in is already on. Turn it off first to set up a new authenticator.");
        // Not UserManager.ResetAuthenticatorKeyAsync: it renews the security stamp, which would sign
        // the user out halfway through set-up. An unconfirmed key protects nothing yet.
        await keys.SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), CancellationToken.None);
        await users.UpdateAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var issuer = Uri.EscapeDataString(org.Value.Name);
        var uri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer={issuer}&digits=6";
        using var qr = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(qr).GetGraphic(4);
        return new AuthenticatorSetup(FormatKey(key), uri, svg);
    }

    /// <summary>Turns two-factor on once the user proves their app shows the right code; returns one-time recovery codes.</summary>
    public async Task<IReadOnlyList<string>> EnableAsync(ClaimsPrincipal actor, string code)
    {
        var user = await CurrentAsync(actor);
        var clean = (code ?? "").Replace(" ", "").Replace("-", "");
        if (clean.Length is < 6 or > 8 || !clean.All(char.IsAsciiDigit))
            throw new AppValidationException("code", "Enter the 6-digit code your authenticator app shows.");
        if (await users.GetAuthenticatorKeyAsync(user) is null)
            throw new ConflictException("Start the set-up first: no authenticator key has been made for you yet.");
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, clean))
            throw new AppValidationException("code", "That code is not valid. Check the time on your phone and enter the current code.");

        await using var tx = await db.Database.BeginTransactionAsync();
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        audit.Record(new AuditActor(user.Id, user.Email!), "account.two-factor-enabled", "user", user.Id, $"Two-factor sign-in turned on for {user.Email}");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return codes;
    }

    public async Task DisableAsync(ClaimsPrincipal actor)
    {
        var user = await CurrentAsync(actor);
        if (!user.TwoFactorEnabled) return;
        await using var tx = await db.Database.BeginTransactionAsync();
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        audit.Record(new AuditActor(user.Id, user.Email!), "account.two-factor-disabled", "user", user.Id, $"Two-factor sign-in turned off for {user.Email}");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private async Task<ApplicationUser> CurrentAsync(ClaimsPrincipal actor)
    {
        var staff = await authorizer.RequireAsync(actor);
        return await users.FindByIdAsync(staff.Id) ?? throw new AccessDeniedException("Your account no longer exists.", unauthenticated: true);
    }

    private static string FormatKey(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
            sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        return sb.ToString().TrimEnd().ToLowerInvariant();
    }
}
