using System.Security.Claims;
using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Features.Statements.Pages;
using CrisisComms.Web.Infrastructure.Data;
using MudBlazor;
using MudBlazor.Services;

namespace CrisisComms.Tests.Features.Statements.Pages;

/// <summary>
/// The editor component against the real services and database (bunit renders it; the app's
/// services come from a scope of the in-memory app): live preview, channel warnings, conflicts.
/// </summary>
public sealed class StatementEditorTests : BunitContext, IClassFixture<AppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AppFactory _app;
    private readonly IServiceScope _scope;

    public StatementEditorTests(AppFactory app)
    {
        _app = app;
        app.CreateRawClient().Dispose(); // start the app: migrations and demo data
        _scope = CircuitScope.Create(app);
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public async Task The_preview_follows_the_text_as_the_author_types()
    {
        var id = await CreateStatementAsync("holding-statement", "Update", "First text");
        var editor = await RenderEditorAsync(id);
        Assert.Contains("First text", editor.Find("[data-testid=preview]").InnerHtml);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("About **{{ facts.affected_count }}** customers"));

        editor.WaitForAssertion(() => Assert.Contains("About <strong>6,000,000</strong> customers", editor.Find("[data-testid=preview]").InnerHtml), Wait);
        Assert.NotEmpty(editor.FindAll("[data-testid=unsaved]"));
        Assert.Contains("3 words", editor.Find("[data-testid=word-count]").TextContent);
    }

    [Fact]
    public async Task An_sms_over_one_segment_or_outside_gsm7_is_warned_about_and_the_warning_goes_when_fixed()
    {
        var id = await CreateStatementAsync("sms", "SMS", "Short message");
        var editor = await RenderEditorAsync(id);
        Assert.Empty(editor.FindAll("[data-testid=limit-warning]"));
        Assert.Contains("1 segment", editor.Find("[data-testid=sms-count]").TextContent);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input(new string('a', 161)));
        editor.WaitForAssertion(() => Assert.Contains("2 messages", editor.Find("[data-testid=limit-warning]").TextContent), Wait);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("We’re sorry"));
        editor.WaitForAssertion(() => Assert.Contains("outside the GSM-7 alphabet", editor.Find("[data-testid=limit-warning]").TextContent), Wait);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("We are sorry"));
        editor.WaitForAssertion(() => Assert.Empty(editor.FindAll("[data-testid=limit-warning]")), Wait);
    }

    [Fact]
    public async Task An_unknown_placeholder_is_named_with_its_line_and_saving_is_blocked()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Text");
        var editor = await RenderEditorAsync(id);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("Line one\n{{ facts.no_such_fact }}"));

        editor.WaitForAssertion(() =>
        {
            var problem = editor.Find("[data-testid=render-problem]").TextContent;
            Assert.Contains("line 2", problem);
            Assert.Contains("facts.no_such_fact", problem);
        }, Wait);
        Assert.True(editor.Find("button[data-testid=editor-save]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Text_over_a_budget_is_named_with_its_limit_saving_is_blocked_and_the_saved_text_stays()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Saved text");
        var editor = await RenderEditorAsync(id);

        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("Intro\n\n" + string.Concat(Enumerable.Repeat("{% if true %}", 40)) + "x"));

        editor.WaitForAssertion(() =>
        {
            var problem = editor.Find("[data-testid=render-problem]").TextContent;
            Assert.Contains("line 3", problem);
            Assert.Contains("nested more than 16 deep", problem);
        }, Wait);
        Assert.True(editor.Find("button[data-testid=editor-save]").HasAttribute("disabled"));
        var saved = await _app.WithScopeAsync(async sp => await sp.GetRequiredService<AppDbContext>().StatementRevisions.Where(r => r.StatementId == id).Select(r => r.Body).ToListAsync());
        Assert.Equal(["Saved text"], saved);
    }

    [Fact]
    public async Task A_conflicting_save_shows_the_other_change_and_keeps_the_authors_text()
    {
        var id = await CreateStatementAsync("faq", "FAQ", "Original answer");
        var editor = await RenderEditorAsync(id);
        await editor.InvokeAsync(() => editor.Find("textarea[data-testid=editor-body]").Input("My own answer"));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=unsaved]")), Wait);

        // Someone else saves meanwhile, from the same revision (in their own scope, as another circuit would).
        await _app.WithScopeAsync(async sp =>
        {
            var theirs = sp.GetRequiredService<StatementService>();
            var view = await theirs.GetAsync(await AuthorAsync(), id);
            return await theirs.SaveAsync(await AuthorAsync(), id, "FAQ", "Original answer, corrected by legal", view.Current.Id);
        });
        // The page says so at once; the text typed stays, and the save below is still checked.
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=saved-meanwhile]")), Wait);
        await editor.InvokeAsync(() => editor.Find("button[data-testid=editor-save]").ClickAsync(new()));

        editor.WaitForAssertion(() =>
        {
            Assert.Contains("Someone else saved revision 2", editor.Find("[data-testid=conflict]").TextContent);
            Assert.Contains(editor.FindAll("[data-testid=diff-ins]"), e => e.TextContent.Contains("corrected"));
        }, Wait);
        Assert.Equal("My own answer", editor.Find("textarea[data-testid=editor-body]").GetAttribute("value") ?? editor.Find("textarea[data-testid=editor-body]").TextContent);
        Assert.Equal(2, (await _app.WithScopeAsync(async sp => await sp.GetRequiredService<StatementService>().GetAsync(await AuthorAsync(), id))).Revisions.Count);
    }

    private async Task<IRenderedComponent<StatementEditor>> RenderEditorAsync(Guid id)
    {
        var principal = await AuthorAsync();
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles(StaffRoles.Author);
        auth.SetClaims(principal.Claims.Where(c => c.Type != ClaimTypes.Name && c.Type != ClaimTypes.Role).ToArray());
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true)); // as in a live circuit (DocumentTitle asks)
        Render<MudPopoverProvider>();
        var editor = Render<StatementEditor>(p => p.Add(e => e.Id, id));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=preview]")), Wait);
        return editor;
    }

    private Task<ClaimsPrincipal> AuthorAsync() => _app.PrincipalForAsync("author@demo.local");

    /// <summary>Arranged in a scope of its own: the page's scope stands in for its circuit's, which holds no DbContext.</summary>
    private Task<Guid> CreateStatementAsync(string kind, string title, string body) => _app.WithScopeAsync(async sp =>
    {
        var incident = await sp.GetRequiredService<AppDbContext>().Incidents.AsNoTracking().FirstAsync(i => i.Slug == "customer-data-breach");
        var view = await sp.GetRequiredService<StatementService>().CreateAsync(await AuthorAsync(), incident.Id, new NewStatement { Kind = kind, Audience = "public", Title = title, Body = body });
        return view.Statement.Id;
    });

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable, so the container must be disposed asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _scope.Dispose();
    }
}
