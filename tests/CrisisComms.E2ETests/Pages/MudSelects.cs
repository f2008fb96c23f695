using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>Driving a MudSelect: open it, then click one of the role="option" items of its popover.</summary>
public static class MudSelects
{
    /// <summary>Opens the select and picks the visible option whose text matches <paramref name="option"/>.</summary>
    public static async Task ChooseAsync(IPage page, ILocator select, Regex option)
    {
        await select.ClickAsync();
        // Only the open popover's items are visible; GetByRole skips hidden ones.
        var item = page.GetByRole(AriaRole.Option, new() { NameRegex = option });
        await Assertions.Expect(item).ToBeVisibleAsync();
        await item.ClickAsync();
        await Assertions.Expect(item).ToBeHiddenAsync(); // the popover closed, so the value was taken
    }
}
