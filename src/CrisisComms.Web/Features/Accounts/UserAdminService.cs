using System.Security.Claims;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using CrisisComms.Web.Infrastructure.Text;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>A row of the admin's user list.</summary>
public sealed record UserSummary(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles,
    bool IsDisabled, DateTimeOffset? LockedUntil, bool TwoFactorEnabled, DateTimeOffset CreatedAt);

/// <summary>What an admin fills in to create a staff account.</summary>
public sealed class CreateUserRequest
{
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Password { get; set; } = "";
    public List<string> Roles { get; set; } = [];
}

/// <summary>
/// Account administration (Admin role only, checked here on every call): create users, grant and
/// remove roles, disable and enable. Every change is written with its audit entry in one transaction.
/// </summary>
public sealed class UserAdminService(
    StaffAuthorizer authorizer,
    UserManager<ApplicationUser> users,
    AppDbContext db,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var now = time.GetUtcNow();
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync();
        var roleRows = await (from ur in db.UserRoles
                              join r in db.Roles on ur.RoleId equals r.Id
                              select new { ur.UserId, r.Name }).ToListAsync();
        var rolesByUser = roleRows.ToLookup(x => x.UserId, x => x.Name!);
        return rows.Select(u => new UserSummary(
            u.Id, u.Email ?? "", u.DisplayName,
            rolesByUser[u.Id].OrderBy(r => StaffRoles.All.ToList().IndexOf(r)).ToList(),
            u.IsDisabled, u.LockoutEnd > now ? u.LockoutEnd : null, u.TwoFactorEnabled, u.CreatedAt)).ToList();
    }

    public async Task<string> CreateAsync(ClaimsPrincipal actor, CreateUserRequest request)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        return await CreateCoreAsync(new AuditActor(admin.Id, admin.Email), request);
    }

    /// <summary>Also used by the create-admin command and the demo seeder, which act as the system.</summary>
    internal async Task<string> CreateCoreAsync(AuditActor actor, CreateUserRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email?.Trim() ?? "";
        var displayName = request.DisplayName?.Trim() ?? "";
        if (email.Length == 0) errors["email"] = ["Email is required."];
        else if (email.Length > ApplicationUser.EmailMaxLength) errors["email"] = [$"Email must be at most {ApplicationUser.EmailMaxLength} characters."];
        else if (!EmailRules.IsValid(email)) errors["email"] = [$"\"{email}\" is not a valid email address."];
        else if (await users.FindByEmailAsync(email) is not null) errors["email"] = [$"A user with email {email} already exists."];

        if (displayName.Length == 0) errors["displayName"] = ["Display name is required."];
        else if (displayName.Length > ApplicationUser.DisplayNameMaxLength) errors["displayName"] = [$"Display name must be at most {ApplicationUser.DisplayNameMaxLength} characters."];
        else UserText.Check(errors, "displayName", "Display name", displayName, multiLine: false);

        var roles = new List<string>();
        foreach (var r in request.Roles ?? [])
        {
            var role = StaffRoles.Normalise(r);
            if (role is null) { errors["roles"] = [$"\"{r}\" is not a role; use {string.Join(", ", StaffRoles.All)}."]; break; }
            if (!roles.Contains(role)) roles.Add(role);
        }
        if (roles.Count == 0 && !errors.ContainsKey("roles")) errors["roles"] = ["Choose at least one role."];

        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["Password is required."];
        else if (request.Password.Length > 256) errors["password"] = ["Password must be at most 256 characters."];
        else
        {
            var probe = new ApplicationUser { UserName = email, Email = email };
            var problems = new List<string>();
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, probe, request.Password);
                problems.AddRange(result.Errors.Select(e => e.Description));
            }
            if (problems.Count > 0) errors["password"] = problems.ToArray();
        }
        if (errors.Count > 0) throw new AppValidationException(errors);

        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CreatedAt = time.GetUtcNow(),
        };

        await using var tx = await db.Database.BeginTransactionAsync();
        try
        {
            var created = await users.CreateAsync(user, request.Password);
            if (created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)))
                throw new DbUpdateException("duplicate");
            Check(created, "email");
        }
        catch (DbUpdateException)
        {
            // Two admins creating the same address at once: the unique index decides, the loser is told why.
            throw new AppValidationException("email", $"A user with email {email} already exists.");
        }
        Check(await users.AddToRolesAsync(user, roles), "roles");
        audit.Record(actor, "account.created", "user", user.Id, $"Created {email} ({displayName}) with roles {string.Join(", ", roles)}");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return user.Id;
    }

    public async Task SetRoleAsync(ClaimsPrincipal actor, string userId, string roleName, bool granted)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var role = StaffRoles.Normalise(roleName) ?? throw new AppValidationException("role", $"\"{roleName}\" is not a role; use {string.Join(", ", StaffRoles.All)}.");
        var user = await FindAsync(userId);
        var has = await users.IsInRoleAsync(user, role);
        if (has == granted) return;

        if (!granted && role == StaffRoles.Admin)
        {
            if (user.Id == admin.Id)
                throw new ConflictException("You cannot remove your own Admin role; ask another admin.");
            if (await CountActiveAdminsAsync() <= 1 && !user.IsDisabled)
                throw new ConflictException("This is the last active admin; grant Admin to someone else first.");
        }
        if (!granted && (await users.GetRolesAsync(user)).Count == 1)
            throw new ConflictException($"{user.Email} would be left with no role; disable the account instead.");

        await using var tx = await db.Database.BeginTransactionAsync();
        Check(granted ? await users.AddToRoleAsync(user, role) : await users.RemoveFromRoleAsync(user, role), "role");
        audit.Record(new AuditActor(admin.Id, admin.Email), granted ? "account.role-granted" : "account.role-removed", "user", user.Id,
            $"{(granted ? "Granted" : "Removed")} {role} {(granted ? "to" : "from")} {user.Email}");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public async Task SetDisabledAsync(ClaimsPrincipal actor, string userId, bool disabled)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var user = await FindAsync(userId);
        if (user.IsDisabled == disabled) return;
        if (disabled && user.Id == admin.Id) throw new ConflictException("You cannot disable your own account.");
        if (disabled && await users.IsInRoleAsync(user, StaffRoles.Admin) && await CountActiveAdminsAsync() <= 1)
            throw new ConflictException("This is the last active admin; grant Admin to someone else first.");

        await using var tx = await db.Database.BeginTransactionAsync();
        user.IsDisabled = disabled;
        if (!disabled)
        {
            // A fresh start: a lockout from before the account was disabled should not linger.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }
        // A new stamp ends every cookie and token issued before, on their next request.
        Check(await users.UpdateSecurityStampAsync(user), "user");
        audit.Record(new AuditActor(admin.Id, admin.Email), disabled ? "account.disabled" : "account.enabled", "user", user.Id,
            $"{(disabled ? "Disabled" : "Enabled")} {user.Email}");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private async Task<ApplicationUser> FindAsync(string userId) =>
        (string.IsNullOrWhiteSpace(userId) ? null : await users.FindByIdAsync(userId))
        ?? throw new NotFoundException($"No user with id \"{userId}\".");

    private async Task<int> CountActiveAdminsAsync() =>
        (await users.GetUsersInRoleAsync(StaffRoles.Admin)).Count(u => !u.IsDisabled);

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new AppValidationException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
