using System.Text.Json;
using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>
/// The war room: several people, each in a browser context of their own, see each other's changes
/// as they happen, without reloading — an approval, a rejection (as a toast), a disabled account, who
/// else has a statement open, the dashboard, and a dropped connection. Pages that must not reload
/// get <c>window.__noReload</c>; a reload would clear it. Every test works on statements of its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveWarRoomTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string Author = "author@demo.local";
    private const string Reviewer = "reviewer@demo.local";
    private const string Admin = "admin@demo.local";
    private const string DemoIncidentSlug = "customer-data-breach";

    /// <summary>A live change reaches another person's page within this (the feed is in-process; the rest is slack for a slow CI machine).</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions WithinSeconds = new() { Timeout = 10_000 };

    [Fact]
    public async Task An_approval_in_one_context_updates_the_authors_open_editor_without_reload()
    {
        var (statementId, _) = await CreateSubmittedHoldingStatementAsync("Approval goes live");

        // Author: the editor is open and interactive.
        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        var authorPanel = new SignOffPanel(Page);
        await authorPanel.WaitForLoadedAsync();
        var stateChip = Page.GetByTestId("statement-state");
        await Expect(stateChip).ToHaveTextAsync("in-review");
        await Expect(authorPanel.RequiredReviewer).ToContainTextAsync("waiting");
        await MarkNoReloadAsync(Page);

        // Reviewer, elsewhere: approves through the review screen.
        var reviewerPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(reviewerPage, Reviewer);
        var review = new ReviewPage(reviewerPage);
        await review.GotoAsync(statementId);
        await Expect(review.SignOff.Approve).ToBeEnabledAsync();
        await review.SignOff.ApproveAsync();

        // Author: the state chip turned to approved and flashes (for 3 s, so looked at first); the sign-off panel names the signer.
        await Expect(Page.Locator("[data-testid=statement-state].live-flash").Filter(new() { HasText = "approved" })).ToBeVisibleAsync(WithinSeconds);
        await Expect(stateChip).ToHaveTextAsync("approved");
        await Expect(authorPanel.State).ToHaveTextAsync("approved");
        await Expect(authorPanel.RequiredReviewer).ToContainTextAsync($"signed by {Reviewer}");
        await Expect(authorPanel.ActiveDecisions.Filter(new() { HasText = $"Approved as Reviewer by {Reviewer}" })).ToHaveCountAsync(1);
        await Expect(review.SignOff.State).ToHaveTextAsync("approved"); // a holding statement needs the Reviewer only
        // The flash goes away by itself.
        await Expect(Page.Locator("[data-testid=statement-state].live-flash")).ToHaveCountAsync(0);
        await AssertNotReloadedAsync(Page);
    }

    [Fact]
    public async Task A_rejection_reason_reaches_the_author_as_a_toast_and_in_the_notification_list()
    {
        var (statementId, title) = await CreateSubmittedHoldingStatementAsync("Rejection goes live");
        var reason = $"Remove the compensation promise; legal has not cleared it ({Guid.NewGuid():n}).";

        // Author: on the dashboard, doing something else.
        var authorShell = await SignInToDashboardAsync(Page, Author);
        await new DashboardPage(Page).WaitForLoadedAsync();
        var bell = new NotificationBell(Page);
        await Expect(bell.Bell).ToBeVisibleAsync();
        var unreadBefore = await bell.UnreadAsync();
        await MarkNoReloadAsync(Page);

        // Reviewer rejects with the reason.
        var reviewerPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(reviewerPage, Reviewer);
        var review = new ReviewPage(reviewerPage);
        await review.GotoAsync(statementId);
        await Expect(review.SignOff.RejectOpen).ToBeEnabledAsync();
        await review.SignOff.RejectOpen.ClickAsync();
        await review.SignOff.RejectAsync(reason);
        await Expect(review.SignOff.State).ToHaveTextAsync("draft");

        // Author: a toast with the reason, and the bell counts it.
        var toast = bell.Toast(reason);
        await Expect(toast).ToBeVisibleAsync(WithinSeconds);
        await Expect(toast).ToContainTextAsync($"Your statement “{title}” was rejected by {Reviewer}: {reason}");
        await Expect(bell.Count).ToBeVisibleAsync();
        await Expect(bell.Count).ToHaveTextAsync(new Regex(@"^\d+$"));
        var unreadAfter = await bell.UnreadAsync();
        Assert.True(unreadAfter >= unreadBefore + 1, $"The bell showed {unreadBefore} unread before the rejection and {unreadAfter} after it.");
        await Expect(bell.Count).ToHaveTextAsync(unreadAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await AssertNotReloadedAsync(Page);

        // The bell leads to the list, which has it; opening the list marks everything read.
        await bell.Bell.ClickAsync();
        var notifications = new NotificationsPage(Page);
        await notifications.WaitForLoadedAsync();
        await Expect(notifications.Item(reason)).ToHaveCountAsync(1);
        await Expect(notifications.Item(reason)).ToContainTextAsync($"was rejected by {Reviewer}");
        await Expect(bell.Count).ToHaveCountAsync(0);
        await Expect(authorShell.CircuitReady).ToBeAttachedAsync(); // the same session all along
    }

    [Fact]
    public async Task Disabling_a_reviewer_with_a_review_page_open_ends_their_session_and_nothing_is_approved()
    {
        var (statementId, _) = await CreateSubmittedHoldingStatementAsync("Disabled reviewer");
        var email = $"reviewer-{Guid.NewGuid():n}@example.test";
        const string password = "Fresh-Password-42";
        await App.CreateUserAsync(email, "Rita Revoked (Legal)", password, "Reviewer");
        // A token issued before the account is disabled must stop working too.
        using var reviewerApi = await StaffApiClient.SignInAsync(App, email, password);
        var revisionId = await reviewerApi.CurrentRevisionIdAsync(statementId);

        // B: the new reviewer has the review screen open and could approve.
        var reviewerPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(reviewerPage, email, password);
        var review = new ReviewPage(reviewerPage);
        await review.GotoAsync(statementId);
        await Expect(review.SignOff.Approve).ToBeEnabledAsync();
        var sessionEnded = reviewerPage.GetByTestId("session-ended");

        // A: the admin disables them.
        await SignInToDashboardAsync(Page, Admin);
        var users = new UsersAdminPage(Page);
        await users.GotoAsync();
        await Expect(users.RowEmail(email)).ToBeVisibleAsync();
        await Page.GetByTestId("disable-" + email).ClickAsync();
        await Expect(Page.GetByTestId("enable-" + email)).ToBeVisibleAsync();

        // B: sent to sign-in at once, told why.
        await Expect(reviewerPage).ToHaveURLAsync(new Regex(@"/Account/Login\?.*ended=true"), new() { Timeout = 10_000 });
        await Expect(sessionEnded).ToBeVisibleAsync();
        await Expect(sessionEnded).ToContainTextAsync("Your session was ended because your account was disabled");

        // Signing in again does not work, and the earlier token is refused.
        var login = new LoginPage(reviewerPage);
        await login.SignInAsync(email, password);
        await Expect(reviewerPage).ToHaveURLAsync(Urls.Login);
        await Expect(reviewerPage.GetByTestId("circuit-ready")).ToHaveCountAsync(0);
        using (var refused = await reviewerApi.SendRawAsync(HttpMethod.Post, $"statements/{statementId}/decisions",
                   new { revisionId, decision = "approve", comment = "Approved after being disabled." }))
        {
            Output.WriteLine($"Disabled reviewer POST decisions: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
            Assert.False(refused.IsSuccessStatusCode, $"A disabled reviewer's decision was accepted ({(int)refused.StatusCode}).");
        }

        // Nothing was approved by them.
        using var author = await StaffApiClient.SignInAsync(App, Author);
        Assert.Equal("in-review", await author.StateAsync(statementId));
        var approvals = await ApprovalsAsync(author, statementId);
        Assert.Empty(approvals);
    }

    [Fact]
    public async Task Author_and_reviewer_see_each_other_on_the_same_statement_and_typing_shows_as_editing()
    {
        using var api = await StaffApiClient.SignInAsync(App, Author);
        var statementId = await api.CreateStatementAsync(DemoIncidentSlug, "holding-statement", "public",
            "Presence check", "We are investigating a cyber incident affecting some customer data.");

        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        var authorSees = new PresenceBar(Page);
        await Expect(authorSees.People).ToHaveCountAsync(0); // nobody else yet

        var reviewerPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(reviewerPage, Reviewer);
        var review = new ReviewPage(reviewerPage);
        await review.GotoAsync(statementId);
        var reviewerSees = new PresenceBar(reviewerPage);

        await Expect(reviewerSees.Person(Author)).ToHaveTextAsync($"{Author} is viewing");
        await Expect(authorSees.Person(Reviewer)).ToBeVisibleAsync(WithinSeconds);
        await Expect(authorSees.Person(Reviewer)).ToHaveTextAsync($"{Reviewer} is viewing");
        await Expect(authorSees.People).ToHaveCountAsync(1);
        await Expect(reviewerSees.People).ToHaveCountAsync(1);

        // The author types (unsaved): the reviewer sees it before anything is saved.
        await editor.ReplaceInBodyAsync("We are investigating", "We are still investigating");
        await Expect(editor.Unsaved).ToBeVisibleAsync();
        await Expect(reviewerSees.Person(Author)).ToHaveTextAsync($"{Author} is editing", new() { Timeout = 10_000 });
        await Expect(authorSees.Person(Reviewer)).ToHaveTextAsync($"{Reviewer} is viewing"); // viewing only: no conflict
        await Expect(authorSees.Conflict).ToHaveCountAsync(0);

        // The reviewer leaves: the author sees it.
        await reviewerPage.Context.CloseAsync();
        await Expect(authorSees.People).ToHaveCountAsync(0, new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task The_dashboard_shows_a_publication_through_the_api_without_reload()
    {
        var title = $"Live dashboard update {Guid.NewGuid():n}"[..40];
        using var publisher = await PublicUpdatePublisher.SignInAsync(App);
        var statementId = await publisher.PrepareAsync(DemoIncidentSlug, title,
            "We continue to investigate with external specialists. We will never ask for your password.");

        await SignInToDashboardAsync(Page, Admin);
        var dashboard = new DashboardPage(Page);
        await dashboard.WaitForLoadedAsync();
        await Expect(dashboard.PublishedItem(statementId)).ToHaveCountAsync(0);
        await MarkNoReloadAsync(Page);

        await publisher.PublishPreparedAsync(statementId);

        var published = dashboard.PublishedItem(statementId);
        await Expect(Page.Locator($"[data-testid=dash-published-item].live-flash[data-id='{statementId}']")).ToBeVisibleAsync(WithinSeconds);
        await Expect(published).ToContainTextAsync(title);
        await Expect(published).ToContainTextAsync("published now by hand");
        var activity = dashboard.ActivityItems("statement.published").Filter(new() { HasText = title });
        await Expect(activity).ToBeVisibleAsync(WithinSeconds);
        await Expect(activity).ToContainTextAsync(Author);
        await AssertNotReloadedAsync(Page);
    }

    [Fact]
    public async Task A_dropped_connection_shows_the_banner_then_resumes_with_the_typed_text_which_saves()
    {
        using var api = await StaffApiClient.SignInAsync(App, Author);
        var statementId = await api.CreateStatementAsync(DemoIncidentSlug, "holding-statement", "public",
            "Reconnect check", "We are investigating a cyber incident affecting some customer data.");

        // Chromium's offline emulation fails new requests but leaves an open WebSocket alone (the page
        // would only notice after SignalR's 30 s server timeout), so the drop is made explicit: every
        // circuit WebSocket goes through a Playwright proxy the test can cut, on both sides, while
        // the browser is also offline so the reconnection attempts fail until it is back.
        var link = new CircuitLink();
        await Page.RouteWebSocketAsync(new Regex(@"/_blazor(\?|$)"), link.Attach);

        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        await MarkNoReloadAsync(Page);
        await editor.ReplaceInBodyAsync("We are investigating", "We are still investigating, with the police,");
        var typed = await editor.Body.InputValueAsync();
        await Expect(editor.Unsaved).ToBeVisibleAsync(); // the circuit has the text
        var banner = new ReconnectBanner(Page);
        await Expect(banner.Root).ToBeHiddenAsync();

        await Page.Context.SetOfflineAsync(true);
        await link.DropAsync();

        await Expect(banner.Root).ToBeVisibleAsync();
        await Expect(banner.Root).ToContainTextAsync("Reconnecting");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("data-connection", new Regex("^(show|retrying|failed)$"));
        await Expect(editor.Body).ToHaveValueAsync(typed); // still on screen while offline

        await Page.Context.SetOfflineAsync(false);

        // blazor.web.js retries by itself (every few seconds); nobody clicks anything.
        await Expect(banner.Root).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("data-connection", "hide");
        Assert.True(link.Connections >= 2, $"Expected a new circuit connection after the drop; saw {link.Connections}.");
        await AssertNotReloadedAsync(Page); // the same page and session, resumed
        await Expect(editor.Body).ToHaveValueAsync(typed);
        await Expect(editor.Unsaved).ToBeVisibleAsync();

        await editor.SaveAsync(2);
        await Expect(editor.Body).ToHaveValueAsync(typed);
        using var saved = await api.SendRawAsync(HttpMethod.Get, $"statements/{statementId}");
        saved.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await saved.Content.ReadAsStringAsync());
        var current = document.RootElement.GetProperty("revisions").EnumerateArray().Single(r => r.GetProperty("number").GetInt32() == 2);
        Assert.Equal(typed, current.GetProperty("body").GetString());
    }

    /// <summary>A holding statement (the Reviewer alone signs it) by the demo author, submitted; returns its id and title.</summary>
    private async Task<(Guid Id, string Title)> CreateSubmittedHoldingStatementAsync(string what)
    {
        var title = $"{what} {Guid.NewGuid().ToString("n")[..8]}";
        using var api = await StaffApiClient.SignInAsync(App, Author);
        var id = await api.CreateStatementAsync(DemoIncidentSlug, "holding-statement", "public", title,
            "We are investigating a cyber incident affecting some customer data. We will update you within two hours.");
        await api.SubmitForSignOffAsync(id);
        Assert.Equal("in-review", await api.StateAsync(id));
        return (id, title);
    }

    private static async Task<IReadOnlyList<JsonElement>> ApprovalsAsync(StaffApiClient api, Guid statementId)
    {
        using var response = await api.SendRawAsync(HttpMethod.Get, $"statements/{statementId}");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("approvals").EnumerateArray().Select(a => a.Clone())];
    }

    /// <summary>Marks the document; a reload (or any new document) would lose the mark.</summary>
    private static Task MarkNoReloadAsync(IPage page) => page.EvaluateAsync("() => { window.__noReload = 1; }");

    private static async Task AssertNotReloadedAsync(IPage page) =>
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__noReload ?? 0"));

    /// <summary>
    /// Passes the page's Blazor WebSockets through to the server and can cut the live one, on both
    /// sides, the way a dropped network does (the server sees its socket closed, the page sees a close).
    /// </summary>
    private sealed class CircuitLink
    {
        private readonly Lock _gate = new();
        private (IWebSocketRoute Page, IWebSocketRoute Server)? _current;
        private int _connections;

        public int Connections => Volatile.Read(ref _connections);

        public void Attach(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_gate) _current = (page, server);
            Interlocked.Increment(ref _connections);
        }

        public async Task DropAsync()
        {
            (IWebSocketRoute Page, IWebSocketRoute Server) current;
            lock (_gate)
            {
                current = _current ?? throw new InvalidOperationException("No circuit WebSocket is open.");
                _current = null;
            }
            await current.Server.CloseAsync(new() { Code = 1001, Reason = "network dropped (test)" });
            await current.Page.CloseAsync(new() { Code = 4000, Reason = "network dropped (test)" });
        }
    }
}
