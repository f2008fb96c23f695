using CrisisComms.Web.Components;
using CrisisComms.Web.Features.Accounts;
using CrisisComms.Web.Features.Approvals;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Features.Dashboard;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Live;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Features.StatusPage;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Health;
using CrisisComms.Web.Infrastructure.Hosting;
using CrisisComms.Web.Infrastructure.Options;
using CrisisComms.Web.Infrastructure.ScaleOut;

// A start-up failure an operator can fix (database unreachable, bad setting, port in use) ends with one line naming it.
return await StartupFailure.RunAsync(args, static async args =>
{
    var builder = WebApplication.CreateBuilder(args);

    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddAppHosting(builder.Configuration);
    builder.Services.AddValidatedOptions<OrganisationOptions>();
    builder.Services.AddValidatedOptions<SeedOptions>();
    builder.Services.AddAppData();
    builder.Services.AddLive();
    builder.Services.AddScaleOut(builder.Configuration);
    builder.Services.AddAudit();
    builder.Services.AddAccounts();
    builder.Services.AddIncidents();
    builder.Services.AddStatements();
    builder.Services.AddApprovals();
    builder.Services.AddPublishing();
    builder.Services.AddDashboard();
    builder.Services.AddStatusPage();
    builder.Services.AddStaffApi();
    builder.Services.AddAppHealth();
    builder.Services.AddAppComponents();

    var app = builder.Build();

    if (CreateAdminCommand.IsRequested(args))
        return await CreateAdminCommand.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
    if (VerifyAuditCommand.IsRequested(args))
        return await VerifyAuditCommand.RunAsync(app.Services, Console.Out);

    await app.Services.InitialiseDatabaseAsync();

    app.UseAppPipeline();
    app.MapAppHealth();
    app.MapStaffApi();
    app.MapAccounts();
    app.MapIncidents();
    app.MapStatements();
    app.MapApprovals();
    app.MapAudit();
    app.MapPublishing();
    app.MapStatusPage();
    app.MapLive();
    app.MapAppComponents();

    await app.RunAsync();
    return 0;
});

/// <summary>The app's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
