using System.Globalization;
using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>The bell in the staff app bar and the toasts (MudBlazor snackbars) it raises on any open page.</summary>
public sealed partial class NotificationBell(IPage page)
{
    public ILocator Bell => page.GetByTestId("notification-bell");

    /// <summary>The badge's number (MudBadge renders it only while something is unread).</summary>
    public ILocator Count => page.GetByTestId("notification-count").Locator(".mud-badge");

    public ILocator Toasts => page.Locator(".mud-snackbar");

    public ILocator Toast(string text) => Toasts.Filter(new() { HasText = text });

    /// <summary>The unread count the bell announces (its aria-label: "Notifications" or "Notifications, N unread").</summary>
    public async Task<int> UnreadAsync()
    {
        var label = await Bell.GetAttributeAsync("aria-label") ?? "";
        var match = UnreadLabel().Match(label);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^Notifications, (\d+) unread$")]
    private static partial Regex UnreadLabel();
}

/// <summary>/dashboard/notifications: everything addressed to the signed-in user.</summary>
public sealed class NotificationsPage(IPage page)
{
    public const string Path = "/dashboard/notifications";

    public ILocator Items => page.GetByTestId("notification-item");

    public ILocator Item(string text) => Items.Filter(new() { HasText = text });

    public async Task WaitForLoadedAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(Urls.Path(Path));
        await Assertions.Expect(Items.First.Or(page.GetByTestId("no-notifications"))).ToBeVisibleAsync();
    }
}

/// <summary>Who else has a statement open (PresenceBar.razor, on the editor and the review screen).</summary>
public sealed class PresenceBar(IPage page)
{
    public ILocator People => page.GetByTestId("presence-person");

    /// <summary>The chip for one person (the name the app shows: their account name).</summary>
    public ILocator Person(string name) => People.Filter(new() { HasText = name });

    public ILocator Conflict => page.GetByTestId("presence-conflict");
}

/// <summary>The banner blazor.web.js shows while the staff page's live connection is down (ReconnectBanner.razor).</summary>
public sealed class ReconnectBanner(IPage page)
{
    public ILocator Root => page.GetByTestId("reconnect-banner");

    /// <summary>The connection state reconnect.js copies onto &lt;html data-connection&gt;: show, retrying, failed, hide, …</summary>
    public Task<string?> StateAsync() => page.Locator("html").GetAttributeAsync("data-connection");
}
