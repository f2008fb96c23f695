using System.Net;
using CrisisComms.E2ETests.Infrastructure;
using CrisisComms.E2ETests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrisisComms.E2ETests.Tests;

/// <summary>
/// Sign-off of a CEO apology (Reviewer and Approver must both sign): the author submits, a reviewer
/// on a phone reads, comments and approves, the approver approves, and an edit afterwards voids both
/// approvals; a rejection needs a reason and the author sees it; Admin alone signs nothing. Each user
/// has a browser context of their own. Every test works on a statement of its own, so the tests do
/// not depend on each other's order; only the reviewer's "waiting" count sees the others' statements.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignOffFlowTests(BrowserFixture browser, AppServer app, ITestOutputHelper output)
    : BrowserTest(browser, app, output), IClassFixture<AppServer>
{
    private const string Author = "author@demo.local";
    private const string Reviewer = "reviewer@demo.local";
    private const string Approver = "approver@demo.local";
    private const string Admin = "admin@demo.local";
    private const string DemoIncidentSlug = "customer-data-breach";
    private const string CeoApology = "ceo-apology";
    private const int PhoneWidth = 390;
    private const int PhoneHeight = 844;

    [Fact]
    public async Task Author_submits_reviewer_approves_on_a_phone_approver_approves_then_an_edit_voids_both()
    {
        var statementId = await CreateStatementThroughApiAsync();

        // Author, desktop: submits revision 1 and cannot approve it.
        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        var authorPanel = new SignOffPanel(Page);
        await authorPanel.WaitForLoadedAsync();
        await Expect(authorPanel.State).ToHaveTextAsync("draft");
        await Expect(authorPanel.RequiredReviewer).ToContainTextAsync("waiting");
        await Expect(authorPanel.RequiredApprover).ToContainTextAsync("waiting");

        await authorPanel.SubmitAsync();

        await Expect(authorPanel.SubmitForReview).ToHaveCountAsync(0);
        await Expect(authorPanel.Withdraw).ToBeVisibleAsync(); // the author's actions were re-evaluated for in-review
        await Expect(authorPanel.Approve).ToHaveCountAsync(0);
        await Expect(authorPanel.RejectOpen).ToHaveCountAsync(0);

        // Reviewer, on a phone: the badge counts what waits for them; the list leads to the review screen.
        var reviewerPage = await NewPhonePageAsync();
        var reviewerShell = await SignInToDashboardAsync(reviewerPage, Reviewer);
        IReadOnlyList<Guid> waitingForReviewer;
        using (var reviewerApi = await StaffApiClient.SignInAsync(App, Reviewer))
            waitingForReviewer = await reviewerApi.WaitingForMeAsync();
        Assert.Contains(statementId, waitingForReviewer);

        var waiting = new WaitingForMePage(reviewerPage);
        await reviewerShell.MenuButton.ClickAsync(); // on a phone the drawer starts closed
        await Expect(waiting.NavBadge).ToBeVisibleAsync();
        await Expect(waiting.NavBadge).ToHaveTextAsync(waitingForReviewer.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await reviewerShell.NavLink(WaitingForMePage.Path).ClickAsync();
        await waiting.WaitForLoadedAsync();
        await Expect(waiting.Items).ToHaveCountAsync(waitingForReviewer.Count);
        await Expect(waiting.Item(statementId)).ToContainTextAsync("revision 1");
        await Expect(waiting.Item(statementId)).ToContainTextAsync("You can sign as Reviewer");

        await waiting.ReviewLink(statementId).ClickAsync();

        await Expect(reviewerPage).ToHaveURLAsync(ReviewPage.UrlFor(statementId));
        var review = new ReviewPage(reviewerPage);
        await review.WaitForLoadedAsync();
        await Expect(review.Published).ToContainTextAsync("A personal apology from our Chief Executive Officer");
        await Expect(review.Published).ToContainTextAsync("6,000,000");
        await Expect(review.Published).Not.ToContainTextAsync("{{");
        await Expect(review.Diff).ToContainTextAsync("This is the first version");
        await Expect(review.Facts).ToContainTextAsync("6,000,000");
        await Expect(review.SignOff.State).ToHaveTextAsync("in-review");
        await Expect(review.CommentItems).ToHaveCountAsync(0);

        await review.AddCommentAsync("Legal checked the wording.");
        await Expect(review.CommentItems).ToHaveCountAsync(1);
        await Expect(review.CommentItems.First).ToContainTextAsync(Reviewer);
        await Expect(review.CommentItems.First).ToContainTextAsync("revision 1");

        await Expect(review.SignOff.Approve).ToBeEnabledAsync();
        await review.SignOff.ApproveAsync();

        await Expect(review.SignOff.RequiredReviewer).ToContainTextAsync($"signed by {Reviewer}");
        await Expect(review.SignOff.RequiredApprover).ToContainTextAsync("waiting");
        await Expect(review.SignOff.State).ToHaveTextAsync("in-review"); // the Approver has not signed yet
        await Expect(review.SignOff.Approve).ToHaveCountAsync(0); // one signature per person
        await Expect(review.SignOff.ActiveDecisions).ToHaveCountAsync(1);
        await Expect(review.SignOff.Error).ToHaveCountAsync(0);
        await AssertNoSidewaysOverflowAsync(reviewerPage, "on the review screen after approving");

        // Approver, desktop: the second signature approves the statement.
        var approverPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(approverPage, Approver);
        var approverReview = new ReviewPage(approverPage);
        await approverReview.GotoAsync(statementId);
        await Expect(approverReview.SignOff.RequiredReviewer).ToContainTextAsync($"signed by {Reviewer}");
        await Expect(approverReview.CommentItems.Filter(new() { HasText = "Legal checked the wording." })).ToHaveCountAsync(1);

        await Expect(approverReview.SignOff.Approve).ToBeEnabledAsync();
        await approverReview.SignOff.ApproveAsync();

        await Expect(approverReview.SignOff.State).ToHaveTextAsync("approved");
        await Expect(approverReview.SignOff.RequiredApprover).ToContainTextAsync($"signed by {Approver}");
        await Expect(approverReview.SignOff.Approve).ToHaveCountAsync(0);

        // Author: reloads, sees approved; an edit makes revision 2, back to draft, and voids both approvals.
        await Page.ReloadAsync();
        await new StaffShell(Page).WaitForCircuitAsync();
        await editor.WaitForLoadedAsync();
        await Expect(authorPanel.State).ToHaveTextAsync("approved");
        await Expect(authorPanel.RequiredReviewer).ToContainTextAsync($"signed by {Reviewer}");
        await Expect(authorPanel.RequiredApprover).ToContainTextAsync($"signed by {Approver}");
        await Expect(authorPanel.ActiveDecisions).ToHaveCountAsync(2);
        await Expect(authorPanel.VoidedDecisions).ToHaveCountAsync(0);

        await editor.ReplaceInBodyAsync("I want to apologise", "I want to sincerely apologise");
        await Expect(editor.Unsaved).ToBeVisibleAsync();
        await editor.SaveAsync(2);

        await Expect(authorPanel.State).ToHaveTextAsync("draft");
        await Expect(authorPanel.ActiveDecisions).ToHaveCountAsync(0);
        await Expect(authorPanel.VoidedDecisions).ToHaveCountAsync(2);
        await Expect(authorPanel.VoidedDecisions.Filter(new() { HasText = "superseded by revision 2" })).ToHaveCountAsync(2);
        await Expect(authorPanel.VoidedDecisions.Filter(new() { HasText = $"Approved as Reviewer by {Reviewer}" })).ToHaveCountAsync(1);
        await Expect(authorPanel.VoidedDecisions.Filter(new() { HasText = $"Approved as Approver by {Approver}" })).ToHaveCountAsync(1);
        await Expect(authorPanel.RequiredReviewer).ToContainTextAsync("waiting"); // revision 2 needs both signatures again
        await Expect(authorPanel.RequiredApprover).ToContainTextAsync("waiting");
        await Expect(authorPanel.SubmitForReview).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_reviewer_rejects_with_a_reason_and_the_author_sees_it()
    {
        const string reason = "The second paragraph promises a timeline we cannot keep; remove it.";
        var statementId = await CreateSubmittedStatementThroughApiAsync();

        var reviewerPage = await NewPageInNewContextAsync();
        await SignInToDashboardAsync(reviewerPage, Reviewer);
        var review = new ReviewPage(reviewerPage);
        await review.GotoAsync(statementId);
        await Expect(review.SignOff.State).ToHaveTextAsync("in-review");

        await review.SignOff.RejectOpen.ClickAsync();
        await Expect(review.SignOff.RejectReason).ToBeVisibleAsync();
        await Expect(review.SignOff.RejectReason).ToHaveValueAsync("");
        await review.SignOff.Reject.ClickAsync();

        await Expect(review.SignOff.Error).ToBeVisibleAsync();
        await Expect(review.SignOff.Error).ToContainTextAsync("why you reject");
        await Expect(review.SignOff.State).ToHaveTextAsync("in-review");
        await Expect(review.SignOff.Decisions).ToHaveCountAsync(0); // nothing was recorded

        await review.SignOff.RejectAsync(reason);

        await Expect(review.SignOff.State).ToHaveTextAsync("draft");
        await Expect(review.SignOff.Error).ToHaveCountAsync(0);
        await Expect(review.SignOff.RejectReason).ToHaveCountAsync(0);
        await Expect(review.SignOff.Approve).ToHaveCountAsync(0); // a draft cannot be decided on

        await SignInToDashboardAsync(Page, Author);
        var editor = new StatementEditorPage(Page);
        await editor.GotoAsync(statementId);
        var panel = new SignOffPanel(Page);
        await panel.WaitForLoadedAsync();
        await Expect(panel.State).ToHaveTextAsync("draft");
        var rejection = panel.AllDecisions.Filter(new() { HasText = "Rejected" });
        await Expect(rejection).ToHaveCountAsync(1);
        await Expect(rejection).ToContainTextAsync($"Rejected as Reviewer by {Reviewer}");
        await Expect(rejection).ToContainTextAsync(reason);
        await Expect(rejection).ToContainTextAsync("revision 1");
        // The reason the author must act on is shown plainly, not struck through as a voided approval.
        await Expect(Page.GetByTestId("decision-rejected")).ToContainTextAsync(reason);
        await Expect(Page.GetByTestId("decision-voided")).ToHaveCountAsync(0);
        await Expect(panel.SubmitForReview).ToBeVisibleAsync(); // the author can fix it and submit again
    }

    [Fact]
    public async Task Admin_alone_cannot_approve()
    {
        var statementId = await CreateSubmittedStatementThroughApiAsync();

        await SignInToDashboardAsync(Page, Admin);
        var review = new ReviewPage(Page);
        await review.GotoAsync(statementId);
        await Expect(review.SignOff.State).ToHaveTextAsync("in-review");
        await Expect(review.SignOff.RequiredReviewer).ToContainTextAsync("waiting"); // the panel has its status
        await Expect(review.SignOff.Approve).ToHaveCountAsync(0);
        await Expect(review.SignOff.RejectOpen).ToHaveCountAsync(0);

        using var admin = await StaffApiClient.SignInAsync(App, Admin);
        var revisionId = await admin.CurrentRevisionIdAsync(statementId);
        var decision = new { revisionId, decision = "approve" };
        using (var refused = await admin.SendRawAsync(HttpMethod.Post, $"statements/{statementId}/decisions", decision))
        {
            var text = await refused.Content.ReadAsStringAsync();
            Output.WriteLine($"Admin POST decisions: {(int)refused.StatusCode} {text}");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal("in-review", await admin.StateAsync(statementId));

        // Control: the same request from a reviewer is accepted, so the 403 was about the role, not the request.
        using var reviewer = await StaffApiClient.SignInAsync(App, Reviewer);
        using (var accepted = await reviewer.SendRawAsync(HttpMethod.Post, $"statements/{statementId}/decisions", decision))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await Page.ReloadAsync();
        await new StaffShell(Page).WaitForCircuitAsync();
        await review.WaitForLoadedAsync();
        await Expect(review.SignOff.RequiredReviewer).ToContainTextAsync($"signed by {Reviewer}");
        await Expect(review.SignOff.Approve).ToHaveCountAsync(0); // the Approver's place is still not Admin's
    }

    private async Task<Guid> CreateStatementThroughApiAsync()
    {
        using var api = await StaffApiClient.SignInAsync(App, Author);
        return await api.CreateStatementAsync(DemoIncidentSlug, CeoApology);
    }

    private async Task<Guid> CreateSubmittedStatementThroughApiAsync()
    {
        using var api = await StaffApiClient.SignInAsync(App, Author);
        var id = await api.CreateStatementAsync(DemoIncidentSlug, CeoApology);
        await api.SubmitForSignOffAsync(id);
        Assert.Equal("in-review", await api.StateAsync(id));
        return id;
    }

    /// <summary>A new context whose page is phone-sized before its first page loads, so the layout starts at phone width.</summary>
    private async Task<IPage> NewPhonePageAsync()
    {
        var page = await NewPageInNewContextAsync();
        await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);
        return page;
    }

    private static async Task AssertNoSidewaysOverflowAsync(IPage page, string when)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= PhoneWidth, $"{char.ToUpperInvariant(when[0])}{when[1..]}, the page is {width} px wide on a {PhoneWidth} px screen.");
    }
}
