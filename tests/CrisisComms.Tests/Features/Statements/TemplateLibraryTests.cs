using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>Every shipped template is valid and renders against the demo incident: a broken template fails CI.</summary>
public sealed class TemplateLibraryTests
{
    private static readonly TemplateLibrary Library = new(
        Microsoft.Extensions.Options.Options.Create(new ContentOptions { TemplatesDirectory = Path.Combine(RepoPaths.Root, "content", "templates") }),
        new FakeEnvironment(), NullLogger<TemplateLibrary>.Instance);

    private static readonly LiquidModel DemoModel = BuildDemoModel();

    public static TheoryData<string> TemplateIds()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "content", "templates"), "*.md").Order())
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void Every_template_file_is_readable_and_every_kind_has_one()
    {
        Assert.Empty(Library.Errors);
        Assert.Equal(Directory.GetFiles(Path.Combine(RepoPaths.Root, "content", "templates"), "*.md").Length, Library.All.Count);
        foreach (var kind in Enum.GetValues<StatementKind>())
            Assert.Contains(Library.All, t => t.Kind == kind);
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void The_template_renders_against_the_demo_incident_and_declares_exactly_the_facts_it_uses(string id)
    {
        var template = Library.Find(id)!;
        var outcome = new StatementRenderer().Render(template.Title, template.Body, DemoModel);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.DoesNotContain("{{", outcome.Result!.Html);
        Assert.DoesNotContain("{%", outcome.Result.Html);
        Assert.DoesNotContain("&lt;", outcome.Result.Html); // no raw HTML written into a template
        Assert.Equal(template.Facts.Order(StringComparer.Ordinal), outcome.Result.FactsUsed.Keys.Order(StringComparer.Ordinal));
        Assert.NotEmpty(template.Description);
    }

    [Fact]
    public void The_sms_fits_one_gsm7_segment_and_the_social_post_fits_280_characters_with_the_demo_facts()
    {
        var renderer = new StatementRenderer();
        foreach (var t in Library.All.Where(t => t.Kind is StatementKind.Sms or StatementKind.SocialPost))
        {
            var rendered = renderer.Render(t.Title, t.Body, DemoModel).Result!;
            var report = ChannelLimits.Measure(t.Kind, rendered.Markdown);
            Assert.Empty(report.Warnings);
            if (t.Kind == StatementKind.Sms) Assert.Equal(("GSM-7", 1), (report.Sms!.Encoding, report.Sms.Segments));
        }
    }

    [Fact]
    public void The_regulator_notice_covers_ndb_section_26WK_3_a_to_d_and_the_gdpr_notice_article_34()
    {
        var regulator = Library.All.Single(t => t.Kind == StatementKind.RegulatorNotice).Body;
        foreach (var part in new[] { "26WK(3)(a)", "26WK(3)(b)", "26WK(3)(c)", "26WK(3)(d)" })
            Assert.Contains(part, regulator);
        var gdpr = Library.All.Single(t => t.Kind == StatementKind.GdprNotice).Body;
        Assert.Contains("34", gdpr);
        foreach (var part in new[] { "33(3)(b)", "33(3)(c)", "33(3)(d)" })
            Assert.Contains(part, gdpr);
    }

    [Theory]
    [InlineData("no front matter", "must start with YAML front matter")]
    [InlineData("---\nkind: faq\n", "not closed")]
    [InlineData("---\nkind: [unclosed\n---\nbody", "not valid YAML")]
    [InlineData("---\nkind: tweet\naudience: public\ntitle: t\nchannel: web\n---\nbody", "kind \"tweet\" is not one of")]
    [InlineData("---\nkind: faq\naudience: aliens\ntitle: t\nchannel: web\n---\nbody", "audience \"aliens\"")]
    [InlineData("---\nkind: faq\naudience: public\ntitle: t\nchannel: pigeon\n---\nbody", "channel \"pigeon\"")]
    [InlineData("---\nkind: faq\naudience: public\nchannel: web\n---\nbody", "title is required")]
    public void A_broken_template_file_is_reported_with_the_reason(string text, string reason)
    {
        var (template, error) = TemplateLibrary.Parse("broken", text);
        Assert.Null(template);
        Assert.Contains(reason, error);
    }

    private static LiquidModel BuildDemoModel()
    {
        var incident = new Incident
        {
            Title = "Cyber incident affecting customer data", Summary = "Summary.", Slug = "customer-data-breach",
            Severity = IncidentSeverity.Critical, Status = IncidentStatus.Identified,
            DetectedAt = new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero),
            AwareAt = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
            NextUpdateDue = new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero),
        };
        var facts = DemoIncidentSeeder.Facts.Select(f => new Fact { Key = f.Key, Label = f.Label, Type = f.Type, Value = f.Value });
        return LiquidModel.For(incident, facts, new OrganisationOptions { Name = "Southern Cross Airways (demo)", TimeZone = "Australia/Sydney", Culture = "en-AU" });
    }

    private sealed class FakeEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "CrisisComms.Web";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
