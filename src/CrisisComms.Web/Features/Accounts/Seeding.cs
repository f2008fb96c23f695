using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>The four staff roles always exist.</summary>
public sealed class RoleSeeder(RoleManager<IdentityRole> roles)
{
    public async Task SeedAsync()
    {
        foreach (var role in StaffRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }
}

/// <summary>Demo accounts, only when Seed:DemoData is true. Idempotent: existing accounts are left alone.</summary>
public sealed class DemoDataSeeder(
    IOptions<SeedOptions> seed,
    UserManager<ApplicationUser> users,
    UserAdminService admin,
    ILogger<DemoDataSeeder> logger)
{
    public static readonly IReadOnlyList<(string Email, string Name, string Role)> Accounts =
    [
        ("author@demo.local", "Alex Author (Comms)", StaffRoles.Author),
        ("reviewer@demo.local", "Riley Reviewer (Legal)", StaffRoles.Reviewer),
        ("approver@demo.local", "Morgan Approver (CEO)", StaffRoles.Approver),
        ("admin@demo.local", "Sam Admin (IT)", StaffRoles.Admin),
    ];

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (!seed.Value.DemoData) return;
        foreach (var (email, name, role) in Accounts)
        {
            if (await users.FindByEmailAsync(email) is not null) continue;
            try
            {
                await admin.CreateCoreAsync(AuditActor.System,
                    new CreateUserRequest { Email = email, DisplayName = name, Password = seed.Value.DemoPassword, Roles = [role] });
            }
            catch (AppValidationException e) when (e.Errors.ContainsKey("password"))
            {
                throw new InvalidOperationException($"Seed:DemoPassword is not accepted by the password policy: {string.Join(" ", e.Errors["password"])}");
            }
            logger.LogInformation("Demo account {Email} ({Role}) created", email, role);
        }
    }
}
