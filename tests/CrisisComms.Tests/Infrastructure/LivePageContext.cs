using System.Security.Claims;
using Bunit;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;
using MudBlazor;
using MudBlazor.Services;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>One app shared by the live page tests: they run one after another, so each sees only its own changes arrive.</summary>
[CollectionDefinition(Name)]
public sealed class LivePagesCollection : ICollectionFixture<AppFactory>
{
    public const string Name = "live pages";
}

/// <summary>
/// A staff page rendered by bunit against the real app: its services come from one scope (as a circuit's
/// would), and "someone else" changes things through the real services in other scopes, so the change
/// reaches the page through the real database, interceptor and change feed. That scope refuses to hand
/// out a DbContext (<see cref="CircuitScope"/>): the page must take one per operation, as in the app.
/// Changes arrive while a test works the page, so an element is found and used inside one
/// <c>InvokeAsync</c>; a re-render in between would leave the found element's handler stale.
/// </summary>
public abstract class LivePageContext : BunitContext, IAsyncLifetime
{
    /// <summary>
    /// How long a change may take to reach the page on a busy machine. The highlight is asserted in the
    /// same render as the new data, so it is seen however long the wait was.
    /// </summary>
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected AppFactory App { get; }
    private readonly IServiceScope _scope;

    protected LivePageContext(AppFactory app)
    {
        App = app;
        app.CreateRawClient().Dispose(); // start the app: migrations and demo data
        _scope = CircuitScope.Create(app);
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Signs the rendered pages in as a demo user, with the claims the app would give them.</summary>
    protected async Task SignInAsync(string email, params string[] roles)
    {
        var principal = await App.PrincipalForAsync(email);
        var auth = AddAuthorization();
        auth.SetAuthorized(principal.Identity!.Name!);
        auth.SetRoles(roles);
        auth.SetClaims(principal.Claims.Where(c => c.Type != ClaimTypes.Name && c.Type != ClaimTypes.Role).ToArray());
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true)); // as in a live circuit (DocumentTitle asks)
        Render<MudPopoverProvider>();
    }

    /// <summary>Someone else acting through the app's services, in their own scope (as another circuit or an API call would).</summary>
    protected Task<T> AsAsync<T>(string email, Func<IServiceProvider, ClaimsPrincipal, Task<T>> action) =>
        App.WithScopeAsync(async sp => await action(sp, await App.PrincipalForAsync(email)));

    protected Task<Guid> DemoIncidentAsync() => App.WithScopeAsync(async sp =>
        (await sp.GetRequiredService<AppDbContext>().Incidents.AsNoTracking().FirstAsync(i => i.Slug == "customer-data-breach")).Id);

    protected async Task<Guid> CreateStatementAsync(string kind, string title, string body)
    {
        var incident = await DemoIncidentAsync();
        var view = await AsAsync("author@demo.local", (sp, author) =>
            sp.GetRequiredService<StatementService>().CreateAsync(author, incident, new NewStatement { Kind = kind, Audience = "public", Title = title, Body = body }));
        return view.Statement.Id;
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():n}"[..(prefix.Length + 9)];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable, so the container must be disposed asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _scope.Dispose();
    }
}
