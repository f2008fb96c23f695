namespace CrisisComms.Web.Features.Approvals;

public static class ApprovalsExtensions
{
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.AddScoped<ApprovalService>();
        services.AddScoped<ApprovalPolicyService>();
        services.AddScoped<Components.Layout.INavBadge, WaitingBadge>();
        return services;
    }

    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder app)
    {
        app.MapApprovalsApi();
        return app;
    }
}
