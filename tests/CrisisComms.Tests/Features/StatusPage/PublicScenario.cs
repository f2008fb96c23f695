using CrisisComms.Tests.Features.Approvals;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>Statements on the demo incident, taken through sign-off and published the way staff do it.</summary>
public sealed class PublicScenario(AppFactory app)
{
    public SignOffScenario SignOff { get; } = new(app);

    public static string Marker(string prefix) => prefix + "-" + Guid.NewGuid().ToString("n")[..10];

    public Task<Guid> DemoIncidentAsync() => SignOff.Scoped(sp =>
        sp.GetRequiredService<AppDbContext>().Incidents.Where(i => i.Slug == "customer-data-breach").Select(i => i.Id).SingleAsync());

    public async Task<Guid> CreateAsync(Guid incident, string kind, string audience, string marker)
    {
        var author = await SignOff.Author;
        return await SignOff.Scoped(async sp => (await sp.GetRequiredService<StatementService>().CreateAsync(author, incident,
            new NewStatement { Kind = kind, Audience = audience, Title = "Update " + marker, Body = "Text with " + marker })).Statement.Id);
    }

    /// <summary>An FAQ/holding statement needs the Reviewer only; returns the statement id once published.</summary>
    public async Task<Guid> PublishAsync(Guid incident, string marker, string kind = "holding-statement", string audience = "public")
    {
        var id = await CreateAsync(incident, kind, audience, marker);
        await SignOff.SubmitAsync(id);
        var revision = await SignOff.CurrentRevisionAsync(id);
        await SignOff.DecideAsync(await SignOff.Reviewer, id, revision, CrisisComms.Web.Features.Approvals.Decision.Approve);
        var author = await SignOff.Author;
        await SignOff.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishNowAsync(author, id));
        return id;
    }
}
