using System.Net;
using System.Security.Claims;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Infrastructure.Api;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>TOTP two-factor: set up from the profile (service), then required by sign-in.</summary>
public sealed class TwoFactorTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Password = AppFactory.UserPassword;

    [Fact]
    public async Task After_enabling_two_factor_a_token_needs_the_current_code()
    {
        var (email, key) = await CreateUserWithTwoFactorAsync();
        using var client = app.CreateRawClient();

        var withoutCode = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.Contains("twoFactorCode", (await ProblemJson.ReadAsync(withoutCode)).Detail);

        var wrongCode = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = Password, twoFactorCode = "000000" == Code(key) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);

        var good = await client.PostAsJsonAsync("/api/staff/v1/auth/token", new { email, password = Password, twoFactorCode = Code(key) });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task A_wrong_code_during_set_up_is_refused_and_two_factor_stays_off()
    {
        var (user, principal) = await CreateUserAsync();
        await app.WithScopeAsync(async sp =>
        {
            var twoFactor = sp.GetRequiredService<TwoFactorService>();
            var setup = await twoFactor.BeginSetupAsync(principal);
            Assert.StartsWith("otpauth://totp/", setup.AuthenticatorUri);
            Assert.Contains("<svg", setup.QrCodeSvg);
            var wrong = Code(setup.SharedKey) == "123456" ? "654321" : "123456";
            var error = await Assert.ThrowsAsync<AppValidationException>(() => twoFactor.EnableAsync(principal, wrong));
            Assert.Contains("not valid", error.Errors["code"][0]);
            await Assert.ThrowsAsync<AppValidationException>(() => twoFactor.EnableAsync(principal, "abc"));
            Assert.False((await twoFactor.GetStatusAsync(principal)).Enabled);
            return 0;
        });
    }

    private async Task<(string Email, string Key)> CreateUserWithTwoFactorAsync()
    {
        var (email, principal) = await CreateUserAsync();
        var key = await app.WithScopeAsync(async sp =>
        {
            var twoFactor = sp.GetRequiredService<TwoFactorService>();
            var setup = await twoFactor.BeginSetupAsync(principal);
            var codes = await twoFactor.EnableAsync(principal, Code(setup.SharedKey));
            Assert.Equal(10, codes.Count);
            return setup.SharedKey;
        });
        return (email, key);
    }

    private async Task<(string Email, ClaimsPrincipal Principal)> CreateUserAsync()
    {
        var (_, email) = await app.CreateUserAsync("tfa", "Approver");
        return (email, await app.PrincipalForAsync(email));
    }

    private static string Code(string sharedKey) =>
        new Totp(Base32Encoding.ToBytes(sharedKey.Replace(" ", "").ToUpperInvariant())).ComputeTotp();
}
