using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>
/// An author drafts statements: from a template on the incident page, through edits and saved
/// revisions, live placeholder problems, re-rendering after a fact changes, and the editor on a phone.
/// Only the fact-change test changes facts, and it does so on an incident of its own (a copy of the
/// demo incident's fact sheet), so every test here sees the demo incident as seeded, in any order.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DraftingFlowTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string Author = "author@demo.local";
    private const string DemoIncidentTitle = "Cyber incident affecting customer data";
    private const string DemoIncidentSlug = "customer-data-breach";
    private const string CeoApology = "ceo-apology";
    private const int PhoneWidth = 390;

    [Fact]
    public async Task Author_drafts_the_CEO_apology_from_its_template_revises_it_and_compares_revisions()
    {
        await SignInToDashboardAsync(Page, Author);
        var incidents = new IncidentsListPage(Page);
        await incidents.GotoAsync();

        await incidents.IncidentLink(DemoIncidentTitle).ClickAsync();
        var incident = new IncidentPage(Page);
        await Expect(incident.Heading).ToHaveTextAsync(DemoIncidentTitle);
        await incident.OpenTabAsync("Statements");
        await incident.CreateStatementFromTemplateAsync(new Regex("apology", RegexOptions.IgnoreCase));

        await Expect(Page).ToHaveURLAsync(StatementEditorPage.Url);
        var editor = new StatementEditorPage(Page);
        await editor.WaitForLoadedAsync();
        await Expect(editor.CurrentRevision).ToHaveTextAsync(StatementEditorPage.RevisionLabel(1));
        await Expect(editor.Preview).ToContainTextAsync("A personal apology from our Chief Executive Officer");
        await Expect(editor.Preview).ToContainTextAsync("6,000,000"); // facts.affected_count, formatted
        await Expect(editor.Preview).Not.ToContainTextAsync("{{");
        await Expect(editor.Preview).Not.ToContainTextAsync("{%");
        await Expect(editor.RenderProblems).ToHaveCountAsync(0);
        await Expect(editor.Unsaved).ToHaveCountAsync(0);
        await Expect(editor.Save).ToBeDisabledAsync(); // nothing to save yet

        await editor.ReplaceInBodyAsync("I want to apologise", "I want to sincerely apologise");
        await Expect(editor.Unsaved).ToBeVisibleAsync();
        await Expect(editor.Preview).ToContainTextAsync("I want to sincerely apologise");
        await editor.SaveAsync(2);

        await editor.ReplaceInBodyAsync("I am truly sorry.", "I am deeply sorry.");
        await Expect(editor.Unsaved).ToBeVisibleAsync();
        await Expect(editor.Preview).ToContainTextAsync("I am deeply sorry.");
        await editor.SaveAsync(3);
        await Expect(editor.RevisionRows).ToHaveCountAsync(3);
        await Expect(editor.Preview).ToContainTextAsync("I want to sincerely apologise"); // the first edit is kept

        await editor.CompareAsync(1, 3);

        await Expect(editor.DiffInserted.Filter(new() { HasText = "sincerely" })).ToHaveCountAsync(1);
        await Expect(editor.DiffDeleted.Filter(new() { HasText = "truly" })).ToHaveCountAsync(1);
        await Expect(editor.DiffInserted.Filter(new() { HasText = "deeply" })).ToHaveCountAsync(1);
        // Nothing else changed between 1 and 3: just those two edits.
        await Expect(editor.DiffInserted).ToHaveCountAsync(2);
        await Expect(editor.DiffDeleted).ToHaveCountAsync(1);
        await Expect(editor.DiffDeleted.Filter(new() { HasText = "sincerely" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Author_sees_an_unknown_placeholder_named_with_its_line_and_cannot_save_it()
    {
        var statementId = await CreateStatementThroughApiAsync(DemoIncidentSlug);
        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        await Expect(editor.RenderProblems).ToHaveCountAsync(0);

        var original = (await editor.Body.InputValueAsync()).TrimEnd('\n');
        var withUnknown = original + "\n\n{{ facts.no_such_fact }}\n";
        var expectedLine = original.Count(c => c == '\n') + 3; // two line breaks after the original text
        await editor.Body.FillAsync(withUnknown);

        await Expect(editor.Unsaved).ToBeVisibleAsync(); // there is an edit, so only the problem stops saving
        await Expect(editor.RenderProblems).ToHaveCountAsync(1);
        await Expect(editor.RenderProblems).ToContainTextAsync("facts.no_such_fact");
        await Expect(editor.RenderProblems).ToContainTextAsync(new Regex($@"\bline {expectedLine}\b"));
        await Expect(editor.Save).ToBeDisabledAsync();
        await Expect(editor.Preview).Not.ToContainTextAsync("no_such_fact"); // the preview keeps the last good rendering

        // Control: the same edit with a real placeholder can be saved.
        await editor.Body.FillAsync(original + "\n\n{{ facts.ceo_name }}\n");
        await Expect(editor.RenderProblems).ToHaveCountAsync(0);
        await Expect(editor.Save).ToBeEnabledAsync();
        await editor.SaveAsync(2);
    }

    [Fact]
    public async Task Changing_a_fact_flags_the_statement_and_re_rendering_uses_the_new_value()
    {
        // An incident of its own, so changing its facts disturbs no other test.
        Guid incidentId;
        Guid statementId;
        using (var api = await StaffApiClient.SignInAsync(App, Author))
        {
            incidentId = await api.CreateIncidentWithFactsOfAsync(DemoIncidentSlug, $"Fact drift {Guid.NewGuid():n}");
            statementId = await api.CreateStatementAsync(incidentId.ToString(), CeoApology);
        }

        await SignInToDashboardAsync(Page, Author);
        var incident = new IncidentPage(Page);
        await incident.GotoAsync(incidentId);
        await incident.OpenTabAsync("Facts");
        await Expect(incident.FactValue("affected_count")).ToHaveTextAsync("6,000,000");

        await incident.ChangeFactAsync("affected_count", "6500000");

        await Expect(incident.FactValue("affected_count")).ToHaveTextAsync("6,500,000");
        await Expect(incident.FactError).ToHaveCountAsync(0);
        await incident.OpenTabAsync("Statements");
        await Expect(incident.StatementsTable.GetByTestId("facts-changed-chip")).ToHaveCountAsync(1);

        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        await Expect(editor.CurrentRevision).ToHaveTextAsync(StatementEditorPage.RevisionLabel(1));
        await Expect(editor.FactsChanged).ToBeVisibleAsync();
        await Expect(editor.FactsChanged).ToContainTextAsync("Customers affected");
        await Expect(editor.FactsChanged).ToContainTextAsync("facts.affected_count");
        await Expect(editor.FactsChanged).ToContainTextAsync("6,000,000 → 6,500,000");
        await Expect(editor.FactsChanged.Locator("li")).ToHaveCountAsync(1); // only that fact changed
        // The live preview already renders with the current facts; revision 1 as saved still has the old value.
        await editor.ViewRevision(1).ClickAsync();
        await Expect(editor.RevisionView).ToContainTextAsync("Revision 1 as it would be published");
        await Expect(editor.RevisionView).ToContainTextAsync("6,000,000");

        await editor.Rerender.ClickAsync();

        await Expect(editor.CurrentRevision).ToHaveTextAsync(StatementEditorPage.RevisionLabel(2));
        await Expect(editor.FactsChanged).ToHaveCountAsync(0);
        await Expect(editor.Preview).ToContainTextAsync("6,500,000");
        await Expect(editor.Preview).Not.ToContainTextAsync("6,000,000");
        await Expect(editor.RevisionRows.First).ToContainTextAsync("re-rendered with the current facts");
        await Expect(editor.RevisionRows).ToHaveCountAsync(2);
        // And the new revision as saved has the new value, not just the live preview.
        await editor.ViewRevision(2).ClickAsync();
        await Expect(editor.RevisionView).ToContainTextAsync("Revision 2 as it would be published");
        await Expect(editor.RevisionView).ToContainTextAsync("6,500,000");
        await Expect(editor.RevisionView).Not.ToContainTextAsync("6,000,000");
    }

    [Fact]
    public async Task Author_on_a_phone_sees_the_editor_stacked_and_nothing_overflows_sideways()
    {
        await Page.SetViewportSizeAsync(PhoneWidth, 844); // before the first page, so the layout starts at phone width
        var statementId = await CreateStatementThroughApiAsync(DemoIncidentSlug);
        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);

        var body = await editor.Body.BoundingBoxAsync() ?? throw new InvalidOperationException("The body textarea has no box.");
        var preview = await editor.Preview.BoundingBoxAsync() ?? throw new InvalidOperationException("The preview has no box.");
        Output.WriteLine($"textarea: y={body.Y} h={body.Height} w={body.Width}; preview: y={preview.Y} w={preview.Width}");
        Assert.True(preview.Y > body.Y + body.Height, $"The preview (top {preview.Y}) is not below the textarea (bottom {body.Y + body.Height}).");
        Assert.True(body.Width <= PhoneWidth && preview.Width <= PhoneWidth, $"The textarea ({body.Width} px) or preview ({preview.Width} px) is wider than the {PhoneWidth} px screen.");
        await AssertNoSidewaysOverflowAsync("with the editor open");

        // With a second revision the compare controls appear too; they must fit as well.
        await editor.ReplaceInBodyAsync("I want to apologise", "I want to sincerely apologise");
        await Expect(editor.Unsaved).ToBeVisibleAsync();
        await editor.SaveAsync(2);
        await Expect(editor.CompareButton).ToBeVisibleAsync();
        await AssertNoSidewaysOverflowAsync("with two revisions and the compare controls");
    }

    private async Task<Guid> CreateStatementThroughApiAsync(string incident)
    {
        using var api = await StaffApiClient.SignInAsync(App, Author);
        return await api.CreateStatementAsync(incident, CeoApology);
    }

    private async Task AssertNoSidewaysOverflowAsync(string when)
    {
        var width = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= PhoneWidth, $"{char.ToUpperInvariant(when[0])}{when[1..]}, the page is {width} px wide on a {PhoneWidth} px screen.");
    }
}
