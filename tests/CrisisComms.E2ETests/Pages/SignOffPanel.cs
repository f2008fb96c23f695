using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>
/// The sign-off panel (SignOffPanel.razor) on the statement editor and on the review screen: the
/// state, who must sign and who has, the actions this user may take now, and the decisions so far.
/// </summary>
public sealed class SignOffPanel(IPage page)
{
    public ILocator Root => page.GetByTestId("sign-off");

    /// <summary>The state chip: "draft", "in-review", "approved", …</summary>
    public ILocator State => page.GetByTestId("sign-off-state");
    public ILocator Error => page.GetByTestId("sign-off-error");

    /// <summary>"Reviewer: signed by …" or "Reviewer: waiting".</summary>
    public ILocator RequiredReviewer => page.GetByTestId("required-reviewer");
    public ILocator RequiredApprover => page.GetByTestId("required-approver");

    public ILocator SubmitForReview => page.GetByTestId("submit-for-review");
    public ILocator Approve => page.GetByTestId("approve");
    public ILocator RejectOpen => page.GetByTestId("reject-open");
    // MudTextField puts data-testid on the real <textarea>.
    public ILocator RejectReason => page.Locator("textarea[data-testid=reject-reason]");
    public ILocator Reject => page.GetByTestId("reject");
    public ILocator Withdraw => page.GetByTestId("withdraw");
    public ILocator Discard => page.GetByTestId("discard");

    /// <summary>The confirmation step that approve, withdraw and discard show first, saying what will happen.</summary>
    public ILocator ConfirmText => page.GetByTestId("sign-off-confirm-text");
    public ILocator ConfirmApprove => page.GetByTestId("confirm-approve");

    public ILocator Decisions => page.GetByTestId("decisions");
    public ILocator ActiveDecisions => page.GetByTestId("decision-active");
    public ILocator VoidedDecisions => page.GetByTestId("decision-voided");

    /// <summary>Every decision, active or voided.</summary>
    public ILocator AllDecisions => Decisions.Locator("li");

    /// <summary>Waits until the panel shows the state and the required roles (its status has loaded).</summary>
    public async Task WaitForLoadedAsync()
    {
        await Assertions.Expect(State).ToBeVisibleAsync();
        await Assertions.Expect(RequiredReviewer.Or(RequiredApprover).First).ToBeVisibleAsync();
    }

    /// <summary>Author: submits the current revision and waits until the statement is in review.</summary>
    public async Task SubmitAsync()
    {
        await Assertions.Expect(SubmitForReview).ToBeEnabledAsync();
        await SubmitForReview.ClickAsync();
        await Assertions.Expect(State).ToHaveTextAsync("in-review");
    }

    /// <summary>Approves the current revision: Approve, then the confirmation step that says what signing means.</summary>
    public async Task ApproveAsync()
    {
        await Assertions.Expect(Approve).ToBeEnabledAsync();
        await Approve.ClickAsync();
        await Assertions.Expect(ConfirmText).ToContainTextAsync("your signature is bound to exactly this text");
        await ConfirmApprove.ClickAsync();
    }

    /// <summary>In the open reject form: types the reason (bound on change, so the field is left) and rejects.</summary>
    public async Task RejectAsync(string reason)
    {
        await Assertions.Expect(RejectReason).ToBeVisibleAsync();
        await RejectReason.FillAsync(reason);
        await RejectReason.BlurAsync();
        await Assertions.Expect(RejectReason).ToHaveValueAsync(reason);
        await Reject.ClickAsync();
    }
}
