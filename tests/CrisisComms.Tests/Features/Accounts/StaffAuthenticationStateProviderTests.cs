using System.Security.Claims;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>An open interactive session follows role changes and account disabling within one revalidation.</summary>
public sealed class StaffAuthenticationStateProviderTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_role_change_replaces_the_sessions_roles_and_disabling_signs_it_out()
    {
        var (id, principal) = await CreateUserAsync("Author");
        using var provider = NewProvider(principal);
        var changes = 0;
        provider.AuthenticationStateChanged += _ => changes++;

        await WithAdminAsync(admin => admin.SetRoleAsync(AdminPrincipal, id, StaffRoles.Reviewer, granted: true));
        await provider.RevalidateOnceAsync();
        var afterGrant = (await provider.GetAuthenticationStateAsync()).User;
        Assert.True(afterGrant.IsInRole(StaffRoles.Reviewer));
        Assert.True(afterGrant.IsInRole(StaffRoles.Author));

        await WithAdminAsync(admin => admin.SetDisabledAsync(AdminPrincipal, id, disabled: true));
        await provider.RevalidateOnceAsync();
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
        Assert.Equal(2, changes);
    }

    [Fact]
    public async Task Nothing_changed_means_no_notification()
    {
        var (_, principal) = await CreateUserAsync("Approver");
        using var provider = NewProvider(principal);
        var changes = 0;
        provider.AuthenticationStateChanged += _ => changes++;

        await provider.RevalidateOnceAsync();

        Assert.Equal(0, changes);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.IsInRole(StaffRoles.Approver));
    }

    [Fact]
    public async Task Disabling_an_account_signs_its_open_session_out_at_once_without_waiting_for_the_timer()
    {
        var (id, principal) = await CreateUserAsync("Approver");
        var (_, bystanderPrincipal) = await CreateUserAsync("Approver");
        using var provider = NewProvider(principal, live: true);
        using var bystander = NewProvider(bystanderPrincipal, live: true);
        var bystanderChanges = 0;
        bystander.AuthenticationStateChanged += _ => bystanderChanges++;

        await WithAdminAsync(admin => admin.SetDisabledAsync(AdminPrincipal, id, disabled: true));

        await Poll.UntilAsync(() => provider.GetAuthenticationStateAsync().Result.User.Identity?.IsAuthenticated == false ? "signed out" : null,
            TimeSpan.FromSeconds(5), "The disabled user's session being signed out");
        Assert.True((await bystander.GetAuthenticationStateAsync()).User.IsInRole(StaffRoles.Approver));
        Assert.Equal(0, bystanderChanges);
    }

    [Theory]
    [InlineData("password-reset")]
    [InlineData("sign-out-everywhere")]
    [InlineData("own-sign-out-everywhere")]
    public async Task A_password_reset_or_signing_out_everywhere_ends_the_open_session_at_once(string change)
    {
        var (id, principal) = await CreateUserAsync("Author");
        var (_, bystanderPrincipal) = await CreateUserAsync("Author");
        using var provider = NewProvider(principal, live: true);
        using var bystander = NewProvider(bystanderPrincipal, live: true);

        await WithAdminAsync(admin => change switch
        {
            "password-reset" => admin.ResetPasswordAsync(AdminPrincipal, id, "Another-Good-Password-5"),
            "sign-out-everywhere" => admin.SignOutEverywhereAsync(AdminPrincipal, id),
            _ => admin.SignOutEverywhereAsync(principal, id),
        });

        await Poll.UntilAsync(() => provider.GetAuthenticationStateAsync().Result.User.Identity?.IsAuthenticated == false ? "signed out" : null,
            TimeSpan.FromSeconds(5), "The session being signed out");
        Assert.True(provider.SessionEnded, "the sign-in page should say why the session ended");
        Assert.True((await bystander.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task A_removed_role_leaves_the_open_session_at_once()
    {
        var (id, _) = await CreateUserAsync("Reviewer");
        await WithAdminAsync(admin => admin.SetRoleAsync(AdminPrincipal, id, StaffRoles.Approver, granted: true));
        var principal = await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
            return await sp.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync((await users.FindByIdAsync(id))!);
        });
        using var provider = NewProvider(principal, live: true);
        Assert.True(principal.IsInRole(StaffRoles.Reviewer));

        await WithAdminAsync(admin => admin.SetRoleAsync(AdminPrincipal, id, StaffRoles.Reviewer, granted: false));

        await Poll.UntilAsync(() => provider.GetAuthenticationStateAsync().Result.User.IsInRole(StaffRoles.Reviewer) ? null : "role gone",
            TimeSpan.FromSeconds(5), "The removed role leaving the session");
    }

    private ClaimsPrincipal AdminPrincipal => app.PrincipalForAsync("admin@demo.local").GetAwaiter().GetResult();

    private Task WithAdminAsync(Func<UserAdminService, Task> action) =>
        app.WithScopeAsync(async sp => { await action(sp.GetRequiredService<UserAdminService>()); return 0; });

    /// <summary>A provider whose timer never ticks; with <paramref name="live"/> it hears the app's change feed, else a silent one.</summary>
    private StaffAuthenticationStateProvider NewProvider(ClaimsPrincipal principal, bool live = false)
    {
        var provider = new StaffAuthenticationStateProvider(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            Microsoft.Extensions.Options.Options.Create(new AuthOptions()),
            new FakeTimeProvider(),
            live ? app.Services.GetRequiredService<IChangeFeed>() : new InProcessChangeFeed(NullLogger<InProcessChangeFeed>.Instance),
            NullLogger<StaffAuthenticationStateProvider>.Instance);
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return provider;
    }

    private async Task<(string Id, ClaimsPrincipal Principal)> CreateUserAsync(string role)
    {
        var (id, email) = await app.CreateUserAsync("session", role);
        return (id, await app.PrincipalForAsync(email));
    }
}

/// <summary>
/// Invariant 3 inside one long-lived scope (pages no longer keep one, but any DbContext that checked the user before must
/// not answer from what it loaded then): a change made elsewhere counts at once.
/// </summary>
public sealed class LongLivedScopeAuthorizationTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_user_disabled_elsewhere_is_refused_in_a_session_that_already_checked_them()
    {
        var (id, email) = await app.CreateUserAsync("circuit", StaffRoles.Author);
        var principal = await app.PrincipalForAsync(email);
        var admin = await app.PrincipalForAsync("admin@demo.local");
        await using var session = app.Services.CreateAsyncScope();
        var authorizer = session.ServiceProvider.GetRequiredService<StaffAuthorizer>();
        await authorizer.RequireAsync(principal, StaffRoles.Author); // loads the user into this scope's DbContext

        await app.WithScopeAsync(async sp => { await sp.GetRequiredService<UserAdminService>().SetDisabledAsync(admin, id, disabled: true); return 0; });

        var refused = await Assert.ThrowsAsync<CrisisComms.Web.Infrastructure.Api.AccessDeniedException>(() => authorizer.RequireAsync(principal, StaffRoles.Author));
        Assert.Contains("no longer valid", refused.Message);
    }
}
