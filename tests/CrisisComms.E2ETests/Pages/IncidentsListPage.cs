using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard/incidents: the incidents table with a link per incident.</summary>
public sealed class IncidentsListPage(IPage page)
{
    public const string Path = "/dashboard/incidents";

    public ILocator IncidentLinks => page.GetByTestId("incident-link");

    public ILocator IncidentLink(string title) => IncidentLinks.Filter(new() { HasText = title });

    /// <summary>Opens the page and waits until the circuit is live and the table has loaded.</summary>
    public async Task GotoAsync()
    {
        await page.GotoAsync(Path.TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await Assertions.Expect(IncidentLinks.First).ToBeVisibleAsync();
    }
}
