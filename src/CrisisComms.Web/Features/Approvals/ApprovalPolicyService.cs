using System.Security.Claims;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisComms.Web.Features.Approvals;

/// <summary>Which roles must sign which kind of statement. Defaults below; admins may change them (audited).</summary>
public sealed class ApprovalPolicyService(AppDbContext db, StaffAuthorizer authorizer, AuditLog audit, TimeProvider time)
{
    /// <summary>The roles that can be required: the Admin role grants no approval.</summary>
    public static readonly string[] SigningRoles = [StaffRoles.Reviewer, StaffRoles.Approver];

    private static readonly string[] ReviewerAndApprover = [StaffRoles.Reviewer, StaffRoles.Approver];
    private static readonly string[] ReviewerOnly = [StaffRoles.Reviewer];

    public static IReadOnlyList<string> Default(StatementKind kind) => kind switch
    {
        StatementKind.CeoApology or StatementKind.PoliceContactNotice or StatementKind.MediaRelease
            or StatementKind.RegulatorNotice or StatementKind.CustomerNotice or StatementKind.GdprNotice => ReviewerAndApprover,
        _ => ReviewerOnly,
    };

    public async Task<IReadOnlyList<string>> RequiredRolesAsync(StatementKind kind)
    {
        var row = await db.ApprovalPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Kind == kind);
        return row is null ? Default(kind) : Parse(row.Roles);
    }

    public async Task<IReadOnlyDictionary<StatementKind, IReadOnlyList<string>>> AllAsync(ClaimsPrincipal actor)
    {
        await authorizer.RequireAsync(actor, [.. StaffRoles.All]);
        return await AllRequiredRolesAsync();
    }

    /// <summary>Every kind's required roles in one query (for lists that would otherwise ask once per statement).</summary>
    internal async Task<IReadOnlyDictionary<StatementKind, IReadOnlyList<string>>> AllRequiredRolesAsync()
    {
        var rows = await db.ApprovalPolicies.AsNoTracking().ToListAsync();
        return Enum.GetValues<StatementKind>().ToDictionary(k => k, k => rows.FirstOrDefault(r => r.Kind == k) is { } r ? Parse(r.Roles) : Default(k));
    }

    public async Task SetAsync(ClaimsPrincipal actor, StatementKind kind, IEnumerable<string> roles)
    {
        var admin = await authorizer.RequireAsync(actor, StaffRoles.Admin);
        var wanted = new List<string>();
        foreach (var r in roles ?? [])
        {
            var role = StaffRoles.Normalise(r);
            if (role is null || !SigningRoles.Contains(role))
                throw new AppValidationException("roles", $"\"{r}\" cannot sign statements; use {string.Join(" and/or ", SigningRoles)}.");
            if (!wanted.Contains(role)) wanted.Add(role);
        }
        if (wanted.Count == 0) throw new AppValidationException("roles", "At least one role must sign every statement.");
        wanted = SigningRoles.Where(wanted.Contains).ToList();

        var before = await RequiredRolesAsync(kind);
        if (before.SequenceEqual(wanted)) return;
        var row = await db.ApprovalPolicies.FirstOrDefaultAsync(p => p.Kind == kind);
        if (row is null) db.ApprovalPolicies.Add(row = new ApprovalPolicy { Kind = kind });
        row.Roles = string.Join(',', wanted);
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = admin.Email;
        audit.Record(new AuditActor(admin.Id, admin.Email), "policy.changed", "policy", KebabCase.Of(kind),
            $"{KebabCase.Describe(kind)} sign-off: {string.Join(" + ", before)} → {string.Join(" + ", wanted)}");
        await db.SaveChangesAsync();
    }

    private static IReadOnlyList<string> Parse(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
