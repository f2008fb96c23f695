using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard/admin/users: the create-user form and the users table (Admin only).</summary>
public sealed class UsersAdminPage(IPage page)
{
    public const string Path = "/dashboard/admin/users";

    // MudTextField and MudCheckBox put data-testid on the real <input>.
    public ILocator EmailInput => page.GetByTestId("new-email");
    public ILocator NameInput => page.GetByTestId("new-name");
    public ILocator PasswordInput => page.GetByTestId("new-password");
    public ILocator CreateButton => page.GetByTestId("create-user");
    public ILocator PageError => page.GetByTestId("users-error");
    public ILocator Table => page.GetByTestId("users-table");
    public ILocator Rows => Table.Locator("tbody tr");
    public ILocator RowEmails => Table.GetByTestId("user-email");

    public ILocator RoleCheckbox(string role) => page.GetByTestId("new-role-" + role.ToLowerInvariant());

    /// <summary>The table cell holding exactly this email.</summary>
    public ILocator RowEmail(string email) =>
        RowEmails.Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(email) + "$") });

    /// <summary>The message MudBlazor shows under a field (ErrorText), found from the field's input.</summary>
    public ILocator FieldError(ILocator input) =>
        page.Locator(".mud-input-control").Filter(new() { Has = input }).Locator(".mud-input-helper-text.mud-input-error");

    /// <summary>Opens the page and waits until the circuit is live and the table has loaded.</summary>
    public async Task GotoAsync()
    {
        await page.GotoAsync(Path.TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await Assertions.Expect(RowEmail("admin@demo.local")).ToBeVisibleAsync();
    }

    /// <summary>Types into a MudTextField. It binds on change, so leave the field to send the value.</summary>
    public static async Task TypeAsync(ILocator input, string value)
    {
        await input.FillAsync(value);
        await input.BlurAsync();
        await Assertions.Expect(input).ToHaveValueAsync(value);
    }

    public async Task FillAsync(string email, string displayName, string password, params string[] roles)
    {
        await TypeAsync(EmailInput, email);
        await TypeAsync(NameInput, displayName);
        await TypeAsync(PasswordInput, password);
        foreach (var role in roles)
        {
            await RoleCheckbox(role).CheckAsync();
            await Assertions.Expect(RoleCheckbox(role)).ToBeCheckedAsync();
        }
    }
}
