using CrisisComms.E2ETests.Infrastructure;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard/approvals ("Waiting for me"): statements in review that need this user's signature.</summary>
public sealed class WaitingForMePage(IPage page)
{
    public const string Path = "/dashboard/approvals";

    public ILocator Items => page.GetByTestId("waiting-item");
    public ILocator NothingWaiting => page.GetByTestId("nothing-waiting");

    /// <summary>The count beside "Waiting for me" in the navigation drawer (absent when it is zero).</summary>
    public ILocator NavBadge => page.GetByTestId("badge-dashboard-approvals");

    /// <summary>The item for one statement, found by its link to that statement's review screen.</summary>
    public ILocator Item(Guid statementId) =>
        Items.Filter(new() { Has = page.Locator($"a[href='{ReviewPage.PathFor(statementId)}']") });

    public ILocator ReviewLink(Guid statementId) => Item(statementId).GetByRole(AriaRole.Link);

    /// <summary>Opens the page directly and waits until the circuit is live and the list (or "nothing waiting") is shown.</summary>
    public async Task GotoAsync()
    {
        await page.GotoAsync(Path.TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await Assertions.Expect(Items.First.Or(NothingWaiting)).ToBeVisibleAsync();
    }

    /// <summary>Waits for the page after an in-app navigation to it (the drawer link).</summary>
    public async Task WaitForLoadedAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(Urls.Path(Path));
        await Assertions.Expect(Items.First.Or(NothingWaiting)).ToBeVisibleAsync();
    }
}
