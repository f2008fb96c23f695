using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Publishing;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.StatusPage;

/// <summary>A published statement never changes; its correction is shown as a correction of it, and it says it was corrected.</summary>
public sealed class PublicCorrectionsTests(AppFactory app) : IClassFixture<AppFactory>
{
    private readonly PublicScenario _s = new(app);

    [Fact]
    public async Task The_timeline_links_a_correction_and_the_update_it_corrects_both_ways_and_keeps_the_original_text()
    {
        var incident = await _s.DemoIncidentAsync();
        var originalMarker = PublicScenario.Marker("ORIGINAL");
        var original = await _s.PublishAsync(incident, originalMarker);
        var author = await _s.SignOff.Author;
        var correction = await _s.SignOff.Scoped(async sp =>
        {
            var statements = sp.GetRequiredService<StatementService>();
            var draft = await statements.CreateCorrectionAsync(author, original);
            await statements.SaveAsync(author, draft.Statement.Id, "Correction: call-centre hours", "The hotline is open 24 hours, not 9 to 5 as we said.", draft.Current.Id);
            return draft.Statement.Id;
        });
        await _s.SignOff.SubmitAsync(correction);
        await _s.SignOff.DecideAsync(await _s.SignOff.Reviewer, correction, await _s.SignOff.CurrentRevisionAsync(correction), CrisisComms.Web.Features.Approvals.Decision.Approve);
        await _s.SignOff.Scoped(sp => sp.GetRequiredService<PublishingService>().PublishNowAsync(author, correction));

        using var client = app.CreateRawClient();
        var html = await client.GetStringAsync("/incidents/customer-data-breach");
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var articles = page.QuerySelectorAll("article[data-testid=public-update]");
        var originalArticle = articles.Single(a => a.QuerySelector(".update-body")!.TextContent.Contains(originalMarker));
        var correctionArticle = articles.Single(a => a.QuerySelector(".update-body")!.TextContent.Contains("open 24 hours"));

        Assert.Contains("is-correction", correctionArticle.ClassName);
        var correctsLink = correctionArticle.QuerySelector("[data-testid=correction-of] a")!;
        Assert.EndsWith("#" + originalArticle.Id, correctsLink.GetAttribute("href"));
        Assert.Contains("is-corrected", originalArticle.ClassName);
        var correctedByLink = originalArticle.QuerySelector("[data-testid=corrected-by] a")!;
        Assert.EndsWith("#" + correctionArticle.Id, correctedByLink.GetAttribute("href"));
        Assert.Contains("Text with " + originalMarker, originalArticle.QuerySelector(".update-body")!.TextContent);

        // The home page shows the correction as the latest update, saying what it corrects.
        var home = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.GetStringAsync("/"));
        var latest = home.QuerySelector("[data-testid=public-incident] article[data-testid=public-update]")!;
        Assert.Contains("open 24 hours", latest.TextContent);
        Assert.NotNull(latest.QuerySelector("[data-testid=correction-of]"));
    }
}
