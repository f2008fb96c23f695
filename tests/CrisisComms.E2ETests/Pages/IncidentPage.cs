using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>/dashboard/incidents/{id}: tabs Overview, Facts (the fact sheet), Statements, Activity.</summary>
public sealed class IncidentPage(IPage page)
{
    public static string PathFor(Guid id) => $"/dashboard/incidents/{id}";

    public ILocator Heading => page.GetByTestId("incident-heading");
    public ILocator Error => page.GetByTestId("incident-page-error");

    public ILocator Tab(string name) => page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    // Facts tab (FactSheet.razor). MudTextField puts data-testid on the real <input>.
    public ILocator FactsTable => page.GetByTestId("facts-table");
    public ILocator FactValue(string key) => page.GetByTestId("fact-value-" + key);
    public ILocator EditFact(string key) => page.GetByTestId("edit-fact-" + key);
    public ILocator FactKeyInput => page.GetByTestId("fact-key");
    public ILocator FactValueInput => page.GetByTestId("fact-value-input");
    public ILocator FactSave => page.GetByTestId("fact-save");
    public ILocator FactError => page.GetByTestId("fact-error");

    // Statements tab.
    public ILocator TemplateSelect => page.GetByTestId("template-select");
    public ILocator CreateStatement => page.GetByTestId("create-statement");
    public ILocator StatementsTable => page.GetByTestId("statements-table");

    /// <summary>Opens the page directly and waits until the circuit is live and the incident has loaded.</summary>
    public async Task GotoAsync(Guid id)
    {
        await page.GotoAsync(PathFor(id).TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await Assertions.Expect(Heading).ToBeVisibleAsync();
    }

    public async Task OpenTabAsync(string name)
    {
        await Tab(name).ClickAsync();
        await Assertions.Expect(Tab(name)).ToHaveAttributeAsync("aria-selected", "true");
    }

    /// <summary>On the Facts tab: edits an existing fact's value through the form and saves it.</summary>
    public async Task ChangeFactAsync(string key, string value)
    {
        await EditFact(key).ClickAsync();
        await Assertions.Expect(FactKeyInput).ToHaveValueAsync(key); // the form now edits this fact
        await Assertions.Expect(FactKeyInput).ToBeDisabledAsync();
        // Bound on change: leave the field so the circuit has the value before saving.
        await FactValueInput.FillAsync(value);
        await FactValueInput.BlurAsync();
        await Assertions.Expect(FactValueInput).ToHaveValueAsync(value);
        await FactSave.ClickAsync();
        await Assertions.Expect(FactKeyInput).ToBeEnabledAsync(); // saved: the form is reset for a new fact
    }

    /// <summary>On the Statements tab: chooses a template (by its option text) and creates a statement from it.</summary>
    public async Task CreateStatementFromTemplateAsync(Regex templateOption)
    {
        await Assertions.Expect(CreateStatement).ToBeDisabledAsync(); // nothing chosen yet
        await MudSelects.ChooseAsync(page, TemplateSelect, templateOption);
        await Assertions.Expect(CreateStatement).ToBeEnabledAsync();
        await CreateStatement.ClickAsync();
    }
}
