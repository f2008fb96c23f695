namespace CrisisComms.Web.Infrastructure.Api;

/// <summary>The staff API's shared route group: /api/staff/v1, signed-in callers only (cookie or bearer).</summary>
public static class StaffApi
{
    public const string Prefix = "/api/staff/v1";

    /// <summary>Each feature maps its endpoints on this group. Role checks happen in the services.</summary>
    public static RouteGroupBuilder MapStaffApiGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup(Prefix).RequireAuthorization();
}
