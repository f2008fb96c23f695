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
/// remove roles, disable and enable, reset passwords; and signing an account out everywhere (its owner or an Admin). Every change is written with its audit entry in one transaction.
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

    /// <summary>Any fixed number: the PostgreSQL advisory lock admin-role and account changes take turns on.</summary>
    internal const long AdminChangesLockKey = 0x41_64_6D_69_6E; // "Admin"

    /// <summary>The roles that sign off what is published: an admin never grants them to themselves.</summary>
    private static readonly string[] SignOffRoles = [StaffRoles.Reviewer, StaffRoles.Approver];

    public async Task SetRoleAsync(ClaimsPrincipal actor, string userId, string roleName, bool granted)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var role = StaffRoles.Normalise(roleName) ?? throw new AppValidationException("role", $"\"{roleName}\" is not a role; use {string.Join(", ", StaffRoles.All)}.");
        var user = await FindAsync(userId);
        if (granted && user.Id == admin.Id && SignOffRoles.Contains(role))
            throw new AccessDeniedException($"You cannot grant yourself the {role} role: sign-off roles are granted by another admin, so no one signs off with powers they gave themselves.");

        await using var tx = await BeginAdminChangeAsync();
        // Checked inside the turn: two admins demoting each other at the same moment must leave one.
        await RequireStillAdminAsync(admin.Id);
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
        if (disabled && user.Id == admin.Id) throw new ConflictException("You cannot disable your own account.");

        await using var tx = await BeginAdminChangeAsync();
        await RequireStillAdminAsync(admin.Id);
        await db.Entry(user).ReloadAsync();
        if (user.IsDisabled == disabled) return;
        if (disabled && await users.IsInRoleAsync(user, StaffRoles.Admin) && await CountActiveAdminsAsync() <= 1)
            throw new ConflictException("This is the last active admin; grant Admin to someone else first.");

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

    /// <summary>
    /// Admin: sets a new password for someone who lost theirs (or whose password may be known to others). The new
    /// security stamp ends every session, token, hub connection and open page of theirs within seconds.
    /// </summary>
    public async Task ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var user = await FindAsync(userId);
        if (string.IsNullOrEmpty(newPassword)) throw new AppValidationException("password", "Password is required.");
        if (newPassword.Length > 256) throw new AppValidationException("password", "Password must be at most 256 characters.");
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
            problems.AddRange((await validator.ValidateAsync(users, user, newPassword)).Errors.Select(e => e.Description));
        if (problems.Count > 0) throw new AppValidationException(new Dictionary<string, string[]> { ["password"] = problems.ToArray() });

        await using var tx = await db.Database.BeginTransactionAsync();
        // Resetting changes the security stamp; a lockout from the forgotten password should not outlive it.
        Check(await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), newPassword), "password");
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        audit.Record(new AuditActor(admin.Id, admin.Email), "account.password-reset", "user", user.Id,
            $"Reset the password of {user.Email}; their sessions were signed out");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>
    /// Ends every session of an account (cookies on every device, API tokens, hub connections, open pages) by giving it
    /// a new security stamp. Anyone may do this to their own account; an Admin to anyone's.
    /// </summary>
    public async Task SignOutEverywhereAsync(ClaimsPrincipal actor, string userId)
    {
        var caller = await authorizer.RequireAsync(actor);
        if (caller.Id != userId && !caller.IsIn(StaffRoles.Admin))
            throw new AccessDeniedException("Only an admin can sign out someone else's sessions.");
        var user = await FindAsync(userId);

        await using var tx = await db.Database.BeginTransactionAsync();
        Check(await users.UpdateSecurityStampAsync(user), "user");
        audit.Record(new AuditActor(caller.Id, caller.Email), "account.signed-out-everywhere", "user", user.Id,
            caller.Id == user.Id ? $"{user.Email} signed out everywhere" : $"Signed {user.Email} out everywhere");
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>
    /// A transaction in which admin changes take turns: SQLite's transactions take the write lock at once (BEGIN IMMEDIATE);
    /// on PostgreSQL a transaction-scoped advisory lock does the same. Released at commit or rollback.
    /// </summary>
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAdminChangeAsync()
    {
        var tx = await db.Database.BeginTransactionAsync();
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdminChangesLockKey})"); // a constant, never text from outside
        return tx;
    }

    /// <summary>The acting admin may have been demoted or disabled by another admin a moment ago, while waiting for the turn.</summary>
    private async Task RequireStillAdminAsync(string adminId)
    {
        var stillAdmin = await (from ur in db.UserRoles
                                join r in db.Roles on ur.RoleId equals r.Id
                                join u in db.Users on ur.UserId equals u.Id
                                where ur.UserId == adminId && r.Name == StaffRoles.Admin && !u.IsDisabled
                                select ur.UserId).AnyAsync();
        if (!stillAdmin) throw new AccessDeniedException("You are no longer an active admin (another admin changed your account a moment ago). Nothing was changed.");
    }

    private async Task<ApplicationUser> FindAsync(string userId) =>
        (string.IsNullOrWhiteSpace(userId) ? null : await users.FindByIdAsync(userId))
        ?? throw new NotFoundException($"No user with id \"{userId}\".");

    private async Task<int> CountActiveAdminsAsync() =>
        await (from ur in db.UserRoles
                join r in db.Roles on ur.RoleId equals r.Id
                join u in db.Users on ur.UserId equals u.Id
                where r.Name == StaffRoles.Admin && !u.IsDisabled
                select ur.UserId).Distinct().CountAsync();

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new AppValidationException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
