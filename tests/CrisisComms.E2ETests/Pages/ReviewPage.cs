using System.Text.RegularExpressions;
using CrisisComms.E2ETests.Infrastructure;
using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Pages;

/// <summary>
/// /dashboard/statements/{id}/review: the reviewer's phone-friendly screen. Sign-off panel, exactly
/// what will be published, the changes since the last approved revision, the facts used, comments.
/// </summary>
public sealed class ReviewPage(IPage page)
{
    public static string PathFor(Guid id) => $"/dashboard/statements/{id}/review";

    public static Regex UrlFor(Guid id) => Urls.Path(PathFor(id));

    public ILocator Heading => page.GetByTestId("review-heading");
    public ILocator Published => page.GetByTestId("review-published");
    public ILocator Diff => page.GetByTestId("review-diff");
    public ILocator Facts => page.GetByTestId("review-facts");

    public ILocator Comments => page.GetByTestId("comments");
    // MudTextField puts data-testid on the real <textarea>.
    public ILocator CommentInput => page.Locator("textarea[data-testid=comment-input]");
    public ILocator CommentAdd => page.GetByTestId("comment-add");
    public ILocator CommentItems => Comments.GetByTestId("comment");

    public SignOffPanel SignOff { get; } = new(page);

    /// <summary>Opens the screen directly and waits until the circuit is live and the statement has loaded.</summary>
    public async Task GotoAsync(Guid id)
    {
        await page.GotoAsync(PathFor(id).TrimStart('/'));
        await new StaffShell(page).WaitForCircuitAsync();
        await WaitForLoadedAsync();
    }

    /// <summary>The statement is there: heading, published text and the sign-off status.</summary>
    public async Task WaitForLoadedAsync()
    {
        await Assertions.Expect(Heading).ToBeVisibleAsync();
        await Assertions.Expect(Published).ToBeVisibleAsync();
        await SignOff.WaitForLoadedAsync();
    }

    /// <summary>Types a comment (bound on change, so the field is left first), adds it and waits for it to be listed.</summary>
    public async Task AddCommentAsync(string text)
    {
        await CommentInput.FillAsync(text);
        await CommentInput.BlurAsync();
        await Assertions.Expect(CommentAdd).ToBeEnabledAsync(); // the circuit has the text
        await CommentAdd.ClickAsync();
        await Assertions.Expect(CommentItems.Filter(new() { HasText = text })).ToHaveCountAsync(1);
        await Assertions.Expect(CommentInput).ToHaveValueAsync(""); // cleared for the next one
    }
}
