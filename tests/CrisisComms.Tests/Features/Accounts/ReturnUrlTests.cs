using CrisisComms.Web.Features.Accounts;

namespace CrisisComms.Tests.Features.Accounts;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/dashboard/profile", "/dashboard/profile")]
    [InlineData("/dashboard?tab=facts", "/dashboard?tab=facts")]
    [InlineData(null, "/dashboard")]
    [InlineData("", "/dashboard")]
    [InlineData("https://evil.example/", "/dashboard")]
    [InlineData("//evil.example/", "/dashboard")]
    [InlineData("/\\evil.example", "/dashboard")]
    [InlineData("javascript:alert(1)", "/dashboard")]
    [InlineData("/Account/Logout", "/dashboard")]
    public void Only_local_paths_are_followed_after_sign_in(string? returnUrl, string expected) =>
        Assert.Equal(expected, IdentityRedirectManager.SafeLocal(returnUrl));
}
