using System.Security.Claims;
using Bunit;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Features.Statements.Pages;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;

namespace CrisisComms.Tests.Features.Statements.Pages;

/// <summary>
/// Corrections in the editor, against the real services and database: "Write a correction" on a
/// published statement opens the new draft; each side links to the other.
/// </summary>
public sealed class CorrectionEditorTests : BunitContext, IClassFixture<AppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AppFactory _app;
    private readonly IServiceScope _scope;

    public CorrectionEditorTests(AppFactory app)
    {
        _app = app;
        app.CreateRawClient().Dispose(); // start the app: migrations and demo data
        _scope = CircuitScope.Create(app);
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public async Task Write_a_correction_opens_a_draft_that_links_back_and_the_original_lists_it()
    {
        var original = await PublishedStatementAsync("Flights operate as normal");
        await SignInAsync("author@demo.local", StaffRoles.Author);
        var editor = RenderEditor(original);
        Assert.Empty(editor.FindAll("[data-testid=corrected-by]"));
        Assert.True(editor.Find("input[data-testid=editor-title]").HasAttribute("readonly")); // published text is read-only

        await editor.InvokeAsync(() => editor.Find("button[data-testid=write-correction]").ClickAsync(new()));

        var navigation = Services.GetRequiredService<NavigationManager>();
        editor.WaitForAssertion(() => Assert.Matches("/dashboard/statements/[0-9a-f-]{36}$", navigation.Uri), Wait);
        var correction = Guid.Parse(navigation.Uri[^36..]);
        Assert.NotEqual(original, correction);
        Assert.Empty(editor.FindAll("[data-testid=editor-error]"));

        var draft = RenderEditor(correction);
        Assert.Equal("Correction: Flights operate as normal", draft.Find("[data-testid=statement-heading]").TextContent);
        Assert.Equal("draft", draft.Find("[data-testid=statement-state]").TextContent.Trim());
        Assert.Contains("This corrects:", draft.Find("[data-testid=corrects]").TextContent);
        var back = draft.Find("[data-testid=corrects-link]");
        Assert.Equal($"/dashboard/statements/{original}", back.GetAttribute("href"));
        Assert.Equal("Flights operate as normal", back.TextContent);
        Assert.Empty(draft.FindAll("[data-testid=write-correction]")); // only published statements are corrected

        var published = RenderEditor(original);
        Assert.Contains("Corrected by:", published.Find("[data-testid=corrected-by]").TextContent);
        var link = Assert.Single(published.FindAll("[data-testid=corrected-by-link]"));
        Assert.Equal($"/dashboard/statements/{correction}", link.GetAttribute("href"));
        Assert.Equal("Correction: Flights operate as normal", link.TextContent);
    }

    [Fact]
    public async Task A_reviewer_sees_the_corrections_but_no_button_to_write_one()
    {
        var original = await PublishedStatementAsync("Hotline hours");
        await Scoped(async sp => await sp.GetRequiredService<StatementService>().CreateCorrectionAsync(await _app.PrincipalForAsync("author@demo.local"), original));

        await SignInAsync("reviewer@demo.local", StaffRoles.Reviewer);
        var editor = RenderEditor(original);

        Assert.Single(editor.FindAll("[data-testid=corrected-by-link]"));
        Assert.Empty(editor.FindAll("[data-testid=write-correction]"));
    }

    [Fact]
    public async Task A_refused_correction_shows_the_services_reason_and_stays_on_the_page()
    {
        var original = await PublishedStatementAsync("Data categories");
        // The page believes the user is an author (as when the role was removed after it loaded);
        // the service checks the account as it is now, a reviewer, and refuses.
        await SignInAsync("reviewer@demo.local", StaffRoles.Author);
        var editor = RenderEditor(original);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;

        await editor.InvokeAsync(() => editor.Find("button[data-testid=write-correction]").ClickAsync(new()));

        editor.WaitForAssertion(() => Assert.Contains("needs the Author role", editor.Find("[data-testid=editor-error]").TextContent), Wait);
        Assert.Equal(before, navigation.Uri);
        Assert.Empty(editor.FindAll("[data-testid=corrected-by-link]"));
    }

    /// <summary>Signs the test in as <paramref name="email"/>, with <paramref name="role"/> as the page sees it (once per test).</summary>
    private async Task SignInAsync(string email, string role)
    {
        var principal = await _app.PrincipalForAsync(email);
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles(role);
        auth.SetClaims(principal.Claims.Where(c => c.Type != ClaimTypes.Name && c.Type != ClaimTypes.Role).ToArray());
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true)); // as in a live circuit (DocumentTitle asks)
        Render<MudPopoverProvider>();
    }

    private IRenderedComponent<StatementEditor> RenderEditor(Guid id)
    {
        var editor = Render<StatementEditor>(p => p.Add(e => e.Id, id));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=preview]")), Wait);
        return editor;
    }

    /// <summary>An FAQ (legal signs alone) on the demo incident, submitted, approved and published through the services.</summary>
    private async Task<Guid> PublishedStatementAsync(string title)
    {
        var author = await _app.PrincipalForAsync("author@demo.local");
        var reviewer = await _app.PrincipalForAsync("reviewer@demo.local");
        var id = await Scoped(async sp =>
        {
            var incident = await sp.GetRequiredService<AppDbContext>().Incidents.AsNoTracking().FirstAsync(i => i.Slug == "customer-data-breach");
            return (await sp.GetRequiredService<StatementService>().CreateAsync(author, incident.Id,
                new NewStatement { Kind = "faq", Audience = "public", Title = title, Body = "As published." })).Statement.Id;
        });
        await Scoped(async sp => { await sp.GetRequiredService<ApprovalService>().SubmitAsync(author, id); return 0; });
        var revision = await Scoped(async sp => (await sp.GetRequiredService<StatementService>().GetAsync(author, id)).Current.Id);
        await Scoped(async sp => await sp.GetRequiredService<ApprovalService>().DecideAsync(reviewer, id, revision, Decision.Approve, null));
        await Scoped(async sp => await sp.GetRequiredService<PublishingService>().PublishNowAsync(author, id));
        return id;
    }

    private Task<T> Scoped<T>(Func<IServiceProvider, Task<T>> action) => _app.WithScopeAsync(action);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable, so the container must be disposed asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _scope.Dispose();
    }
}
