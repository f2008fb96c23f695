using System.Globalization;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>An approved statement scheduled a few seconds ahead in the UI goes out on its own, and the open page shows it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PublishingFlowTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    [Fact]
    public async Task A_statement_scheduled_a_few_seconds_ahead_shows_as_published_without_anyone_touching_it()
    {
        Guid statementId;
        using (var author = await StaffApiClient.SignInAsync(App, "author@demo.local"))
        {
            statementId = await author.CreateStatementAsync("customer-data-breach", "holding-statement");
            await author.SubmitForSignOffAsync(statementId);
            using var reviewer = await StaffApiClient.SignInAsync(App, "reviewer@demo.local");
            var approve = await reviewer.SendRawAsync(HttpMethod.Post, $"statements/{statementId}/decisions",
                new { revisionId = await author.CurrentRevisionIdAsync(statementId), decision = "approve" });
            approve.EnsureSuccessStatusCode();
            Assert.Equal("approved", await author.StateAsync(statementId));
        }

        await SignInToDashboardAsync(Page, "author@demo.local");
        await new StatementEditorPage(Page).GotoAsync(statementId);
        var panel = Page.GetByTestId("publish-panel");
        await Expect(panel).ToBeVisibleAsync();

        var due = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow().AddSeconds(6), Sydney);
        var input = Page.Locator("input[data-testid=schedule-at]");
        await input.FillAsync(due.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        await input.BlurAsync();
        await Page.GetByTestId("schedule").ClickAsync();

        await Expect(Page.GetByTestId("sign-off-state")).ToHaveTextAsync("scheduled");
        await Expect(Page.GetByTestId("scheduled-for")).ToContainTextAsync("UTC");
        await Expect(Page.GetByTestId("countdown")).ToContainTextAsync("Goes out in");

        // Nobody touches the page: the server publishes at the time and the open page follows.
        await Expect(Page.GetByTestId("published-at")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(Page.GetByTestId("sign-off-state")).ToHaveTextAsync("published");
        using var check = await StaffApiClient.SignInAsync(App, "author@demo.local");
        Assert.Equal("published", await check.StateAsync(statementId));
    }
}
