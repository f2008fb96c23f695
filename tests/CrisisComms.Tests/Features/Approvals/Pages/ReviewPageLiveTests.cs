using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Approvals.Pages;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Approvals.Pages;

/// <summary>The reviewer's screen shows a new revision, a sign-off and a comment made elsewhere as they happen.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class ReviewPageLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task A_revision_a_comment_and_a_submission_made_elsewhere_appear_flashing()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "First answer");
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var page = Render<ReviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("First answer", page.Find("[data-testid=review-published]").InnerHtml), Wait);

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            var statements = sp.GetRequiredService<StatementService>();
            var view = await statements.GetAsync(author, id);
            return await statements.SaveAsync(author, id, view.Current.TitleSource, "Second answer", view.Current.Id);
        });
        page.WaitForAssertion(() =>
        {
            var published = page.Find("[data-testid=review-published]");
            Assert.Contains("Second answer", published.InnerHtml);
            Assert.Contains("live-flash", published.ClassName);
            Assert.Contains("Changes since revision 1", page.Find("[data-testid=review-diff]").TextContent);
        }, Wait);

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            await sp.GetRequiredService<ApprovalService>().AddCommentAsync(author, id, "Please check the **hotline**.");
            await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id);
            return 0;
        });
        page.WaitForAssertion(() =>
        {
            var comment = Assert.Single(page.FindAll("[data-testid=comment]"));
            Assert.Contains("<strong>hotline</strong>", comment.InnerHtml);
            Assert.Contains("live-flash", comment.ClassName);
            Assert.Equal("in-review", page.Find("[data-testid=sign-off-state]").TextContent.Trim());
            Assert.Contains("live-flash", page.Find("[data-testid=sign-off]").ClassName);
            Assert.NotEmpty(page.FindAll("button[data-testid=approve]"));
        }, Wait);
    }
}
