using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Approvals.Pages;

namespace CrisisComms.Tests.Features.Approvals.Pages;

/// <summary>"Waiting for me" gains a statement the moment it is submitted elsewhere, and loses it once signed.</summary>
[Collection(LivePagesCollection.Name)]
public sealed class WaitingForMeLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task A_statement_submitted_elsewhere_appears_flashing_and_goes_when_it_no_longer_waits()
    {
        var title = Unique("FAQ");
        var statement = await CreateStatementAsync("faq", title, "Answers");
        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var page = Render<WaitingForMe>();
        page.WaitForAssertion(() => Assert.True(page.FindAll("[data-testid=waiting-item]").Count > 0 || page.FindAll("[data-testid=nothing-waiting]").Count > 0), Wait);
        Assert.Empty(page.FindAll($"[data-statement-id='{statement}']"));

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, statement);
            return 0;
        });

        page.WaitForAssertion(() =>
        {
            var item = page.Find($"[data-statement-id='{statement}']");
            Assert.Contains(title, item.TextContent);
            Assert.Contains("live-flash", item.ClassName);
        }, Wait);

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            await sp.GetRequiredService<ApprovalService>().WithdrawAsync(author, statement, null);
            return 0;
        });

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-statement-id='{statement}']")), Wait);
    }
}
