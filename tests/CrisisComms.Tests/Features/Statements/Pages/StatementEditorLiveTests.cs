using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Features.Statements.Pages;

namespace CrisisComms.Tests.Features.Statements.Pages;

/// <summary>
/// The editor follows its statement as others change it — and never overwrites text its user has not
/// saved: a revision saved meanwhile is announced, and the save's conflict check stays the safety net.
/// </summary>
[Collection(LivePagesCollection.Name)]
public sealed class StatementEditorLiveTests(AppFactory app) : LivePageContext(app)
{
    [Fact]
    public async Task With_no_unsaved_edits_a_revision_saved_elsewhere_is_loaded_and_flashes()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Original answer");
        var editor = await RenderEditorAsync(id);

        await SaveElsewhereAsync(id, "Answer corrected by legal");

        editor.WaitForAssertion(() =>
        {
            var current = editor.Find("[data-testid=current-revision]");
            Assert.StartsWith("Revision 2 by", current.TextContent.Trim());
            Assert.Contains("live-flash", current.ClassName);
            Assert.Contains("Answer corrected by legal", editor.Find("[data-testid=preview]").InnerHtml);
        }, Wait);
        Assert.Equal("Answer corrected by legal", Body(editor));
        Assert.Empty(editor.FindAll("[data-testid=unsaved]"));
        Assert.Empty(editor.FindAll("[data-testid=saved-meanwhile]"));
    }

    [Fact]
    public async Task With_unsaved_edits_a_revision_saved_elsewhere_is_announced_the_text_kept_and_the_save_checked_against_it()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Original answer");
        var editor = await RenderEditorAsync(id);
        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("My own answer"));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=unsaved]")), Wait);

        var (_, other) = await App.CreateUserAsync("legal", StaffRoles.Author);
        await SaveElsewhereAsync(id, "Original answer, corrected by legal", other);

        editor.WaitForAssertion(() =>
        {
            var warning = editor.Find("[data-testid=saved-meanwhile]");
            Assert.Contains($"{other} saved revision 2 while you were editing — your save will be checked against it", warning.TextContent);
            Assert.Contains("live-flash", editor.Find("[data-testid=current-revision]").ClassName);
        }, Wait);
        Assert.Equal("My own answer", Body(editor));
        Assert.NotEmpty(editor.FindAll("[data-testid=unsaved]"));

        await editor.InvokeAsync(() => editor.Find("button[data-testid=editor-save]").ClickAsync(new()));

        editor.WaitForAssertion(() => Assert.Contains("Someone else saved revision 2", editor.Find("[data-testid=conflict]").TextContent), Wait);
        Assert.Equal("My own answer", Body(editor));
        var revisions = await AsAsync("author@demo.local", async (sp, author) => (await sp.GetRequiredService<StatementService>().GetAsync(author, id)).Revisions.Count);
        Assert.Equal(2, revisions);
    }

    [Fact]
    public async Task State_and_sign_off_follow_a_submission_made_elsewhere_even_with_unsaved_edits()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Answer");
        var editor = await RenderEditorAsync(id);
        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("Typing on"));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=unsaved]")), Wait);

        await AsAsync("author@demo.local", async (sp, author) =>
        {
            await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id);
            return 0;
        });

        editor.WaitForAssertion(() =>
        {
            var state = editor.Find("[data-testid=statement-state]");
            Assert.Equal("in-review", state.TextContent.Trim());
            Assert.Contains("live-flash", state.ClassName);
            Assert.Equal("in-review", editor.Find("[data-testid=sign-off-state]").TextContent.Trim());
        }, Wait);
        Assert.Equal("Typing on", Body(editor));
        Assert.Empty(editor.FindAll("[data-testid=saved-meanwhile]"));
    }

    private async Task<IRenderedComponent<StatementEditor>> RenderEditorAsync(Guid id)
    {
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var editor = Render<StatementEditor>(p => p.Add(e => e.Id, id));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=preview]")), Wait);
        return editor;
    }

    private Task<StatementRevision> SaveElsewhereAsync(Guid id, string body, string email = "author@demo.local") => AsAsync(email, async (sp, user) =>
    {
        var statements = sp.GetRequiredService<StatementService>();
        var view = await statements.GetAsync(user, id);
        return await statements.SaveAsync(user, id, view.Current.TitleSource, body, view.Current.Id);
    });

    private static string Body(IRenderedComponent<StatementEditor> editor)
    {
        var body = editor.Find("textarea[data-testid=editor-body]");
        return body.GetAttribute("value") ?? body.TextContent;
    }
}
