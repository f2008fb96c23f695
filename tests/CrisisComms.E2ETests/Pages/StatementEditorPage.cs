using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>
/// /dashboard/statements/{id}: source (title, body) beside the live preview, save, the facts-changed
/// banner, the revisions table and compare. Title and body update the preview after a 250 ms debounce,
/// so after typing wait for the preview or the unsaved marker before acting on the change.
/// </summary>
public sealed class StatementEditorPage(IPage page)
{
    public static string PathFor(Guid id) => $"/dashboard/statements/{id}";

    /// <summary>The editor's address, e.g. after "Create statement" navigated here.</summary>
    public static Regex Url { get; } = new(@"^https?://[^/]+/dashboard/statements/[0-9a-fA-F-]{36}/?$");

    public ILocator Heading => page.GetByTestId("statement-heading");
    public ILocator Error => page.GetByTestId("editor-error");

    // MudTextField puts data-testid on the real <input>/<textarea>.
    public ILocator Title => page.Locator("input[data-testid=editor-title]");
    public ILocator Body => page.Locator("textarea[data-testid=editor-body]");

    public ILocator Preview => page.GetByTestId("preview");
    public ILocator Save => page.GetByTestId("editor-save");
    public ILocator Unsaved => page.GetByTestId("unsaved");
    public ILocator RenderProblems => page.GetByTestId("render-problem");
    public ILocator CurrentRevision => page.GetByTestId("current-revision");

    public ILocator FactsChanged => page.GetByTestId("facts-changed");
    public ILocator Rerender => page.GetByTestId("rerender");

    public ILocator RevisionsTable => page.GetByTestId("revisions-table");
    public ILocator RevisionRows => RevisionsTable.Locator("tbody tr");
    public ILocator CompareFrom => page.GetByTestId("compare-from");
    public ILocator CompareTo => page.GetByTestId("compare-to");
    public ILocator CompareButton => page.GetByTestId("compare");
    public ILocator Comparison => page.GetByTestId("comparison");
    public ILocator Diff => page.GetByTestId("diff");
    public ILocator DiffInserted => Diff.GetByTestId("diff-ins");
    public ILocator DiffDeleted => Diff.GetByTestId("diff-del");

    /// <summary>The "View" button of revision N, and the panel showing a revision as it was saved.</summary>
    public ILocator ViewRevision(int number) => page.GetByTestId($"view-revision-{number}");
    public ILocator RevisionView => page.GetByTestId("revision-view");

    /// <summary>"Revision N by …" for exactly revision N.</summary>
    public static Regex RevisionLabel(int number) => new($@"^Revision {number} by ");

    /// <summary>Opens the editor directly and waits until the circuit is live and the preview is shown.</summary>
    public async Task GotoAsync(Guid id)
    {
        await page.GotoAsync(PathFor(id).TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await WaitForLoadedAsync();
    }

    /// <summary>The statement has loaded: heading, body text and preview are there.</summary>
    public async Task WaitForLoadedAsync()
    {
        await Assertions.Expect(Heading).ToBeVisibleAsync();
        await Assertions.Expect(Preview).ToBeVisibleAsync();
        await Assertions.Expect(Body).Not.ToHaveValueAsync("");
    }

    /// <summary>Replaces the whole body with its text after replacing <paramref name="oldText"/> (which must occur) with <paramref name="newText"/>.</summary>
    public async Task ReplaceInBodyAsync(string oldText, string newText)
    {
        var body = await Body.InputValueAsync();
        Assert.Contains(oldText, body);
        await Body.FillAsync(body.Replace(oldText, newText, StringComparison.Ordinal));
    }

    /// <summary>Saves the edit (the circuit must already have it: wait for <see cref="Unsaved"/> first) and waits for revision <paramref name="expectedNumber"/>.</summary>
    public async Task SaveAsync(int expectedNumber)
    {
        await Assertions.Expect(Save).ToBeEnabledAsync();
        await Save.ClickAsync();
        await Assertions.Expect(CurrentRevision).ToHaveTextAsync(RevisionLabel(expectedNumber));
        await Assertions.Expect(Unsaved).ToHaveCountAsync(0);
    }

    /// <summary>Chooses two revisions in the compare selects and compares them.</summary>
    public async Task CompareAsync(int from, int to)
    {
        await MudSelects.ChooseAsync(page, CompareFrom, new Regex($"^Revision {from}$"));
        await MudSelects.ChooseAsync(page, CompareTo, new Regex($"^Revision {to}$"));
        await CompareButton.ClickAsync();
        await Assertions.Expect(Comparison).ToContainTextAsync($"Changes from revision {from} to {to}");
    }
}
