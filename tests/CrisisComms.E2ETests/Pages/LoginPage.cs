using CrisisComms.E2ETests.Infrastructure;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/Account/Login: a static server-rendered form (no Blazor circuit).</summary>
public sealed class LoginPage(IPage page)
{
    public const string InvalidMessage = "Invalid email or password.";

    public ILocator Email => page.Locator("#email");
    public ILocator Password => page.Locator("#password");
    public ILocator Submit => page.GetByTestId("login-submit");
    public ILocator Error => page.GetByTestId("login-error");

    public async Task GotoAsync(string? returnUrl = null)
    {
        await page.GotoAsync(returnUrl is null ? "Account/Login" : $"Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await Assertions.Expect(Submit).ToBeVisibleAsync();
    }

    /// <summary>Fills and submits the form on the current page, returning once the answer has loaded.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await page.RunAndWaitForNewDocumentAsync(() => Submit.ClickAsync());
    }
}
