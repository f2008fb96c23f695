using Microsoft.Playwright;

namespace CrisisComms.E2ETests.Infrastructure;

public static class PageExtensions
{
    /// <summary>
    /// Runs an action that submits a classic (non-JavaScript) form and waits until the browser has
    /// committed the document that answered it. Needed when the answer lands on the same URL (a
    /// login error): without it an assertion could pass against the page from before the submit.
    /// </summary>
    public static async Task RunAndWaitForNewDocumentAsync(this IPage page, Func<Task> action)
    {
        var navigated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame) navigated.TrySetResult();
        }

        page.FrameNavigated += OnNavigated;
        try
        {
            await action();
            await navigated.Task.WaitAsync(TimeSpan.FromMilliseconds(BrowserFixture.NavigationTimeoutMs));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"No new document was loaded within {BrowserFixture.NavigationTimeoutMs} ms (still at {page.Url}).", e);
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
