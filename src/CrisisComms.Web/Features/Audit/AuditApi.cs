using System.Security.Claims;
using System.Text;
using CrisisComms.Web.Infrastructure.Api;

namespace CrisisComms.Web.Features.Audit;

public sealed record AuditEntryDto(long Seq, DateTimeOffset At, string Actor, string? ActorId, string Action, string EntityType, string EntityId, string Summary, string PrevHash, string Hash);

/// <summary>Staff API for the audit trail: query/export and chain verification.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapStaffApiGroup().MapGroup("/audit").WithTags("Audit");

        api.MapGet("", async (ClaimsPrincipal user, AuditService audit, Guid? incidentId, Guid? statementId, string? userName, string? action,
            DateTimeOffset? from, DateTimeOffset? to, string? format, int? take) =>
        {
            var entries = await audit.QueryAsync(user, new AuditFilter(incidentId, statementId, userName, action, from, to, take ?? 500));
            return format?.ToLowerInvariant() switch
            {
                "csv" => Results.File(Encoding.UTF8.GetBytes(AuditService.ToCsv(entries)), "text/csv; charset=utf-8", "audit.csv"),
                null or "" or "json" => Results.Ok(entries.Select(e => new AuditEntryDto(e.Seq, e.At, e.ActorName, e.ActorId, e.Action, e.EntityType, e.EntityId, e.Summary, e.PrevHash, e.Hash)).ToList()),
                _ => throw new AppValidationException("format", $"format must be json or csv, not \"{format}\"."),
            };
        }).WithSummary("The audit trail, newest first; filter by incidentId, statementId, userName, action (prefix), from, to; format=json|csv.");

        api.MapGet("/verify", async (ClaimsPrincipal user, AuditService audit) =>
        {
            var result = await audit.VerifyAsync(user);
            return TypedResults.Ok(new { ok = result.Ok, entries = result.Entries, firstBrokenSeq = result.FirstBrokenSeq, message = result.Message });
        }).WithSummary("Check the hash chain: {ok, entries, firstBrokenSeq?}.");
    }
}
