using System.Security.Claims;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;
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

    private ClaimsPrincipal AdminPrincipal => app.PrincipalForAsync("admin@demo.local").GetAwaiter().GetResult();

    private Task WithAdminAsync(Func<UserAdminService, Task> action) =>
        app.WithScopeAsync(async sp => { await action(sp.GetRequiredService<UserAdminService>()); return 0; });

    private StaffAuthenticationStateProvider NewProvider(ClaimsPrincipal principal)
    {
        var provider = new StaffAuthenticationStateProvider(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            Microsoft.Extensions.Options.Options.Create(new AuthOptions()),
            new FakeTimeProvider(),
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
