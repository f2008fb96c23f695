using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// The rendering budgets: every hostile shape is refused before a parser can overflow the stack (which would end the
/// process, not fail the test), naming the field and the limit; shapes at the edge of the budgets still render.
/// </summary>
public sealed class RenderBudgetTests
{
    private readonly StatementRenderer _renderer = new();
    private readonly LiquidModel _model = RenderTestModel.Standard();

    public static TheoryData<HostilePayloads.Refused> Refused => [.. HostilePayloads.RefusedBodies];

    public static TheoryData<string> Accepted => [.. HostilePayloads.AcceptedBodies.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_hostile_body_is_refused_naming_the_body_and_its_limit(HostilePayloads.Refused payload)
    {
        var outcome = _renderer.Render("Update", payload.Body, _model);

        Assert.False(outcome.Ok);
        var problem = Assert.Single(outcome.Problems);
        Assert.Equal("body", problem.Field);
        Assert.Equal(payload.Status, problem.BudgetStatus);
        Assert.Matches(@"limit|more than|longer than", problem.Message);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void A_body_at_the_edge_of_the_budgets_still_renders(string name)
    {
        var body = HostilePayloads.AcceptedBodies.Single(a => a.Name == name).Body;

        var outcome = _renderer.Render("Update", body, _model);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.NotEmpty(outcome.Result!.Html);
    }

    [Fact]
    public void A_title_over_its_size_is_refused_as_too_large_before_it_is_parsed()
    {
        var outcome = _renderer.Render(new string('{', 5000), "Body", _model);

        var problem = Assert.Single(outcome.Problems);
        Assert.Equal(("title", 413), (problem.Field, problem.BudgetStatus));
        Assert.Contains("the limit is 200", problem.Message);
    }

    [Fact]
    public void Nesting_in_the_title_is_refused_like_the_body()
    {
        var outcome = _renderer.Render(string.Concat(Enumerable.Repeat("{%if 1%}", 17)) + "x", "Body", _model);

        Assert.Equal(("title", 400), (outcome.Problems.Single().Field, outcome.Problems.Single().BudgetStatus));
    }

    [Fact]
    public void The_liquid_tag_which_would_hide_its_blocks_from_the_depth_count_is_not_available()
    {
        var body = "{% liquid\nif true\nif true\necho 'x'\nendif\nendif\n%}";

        var outcome = _renderer.Render("Update", body, _model);

        Assert.Contains("{% liquid %} is not available", Assert.Single(outcome.Problems).Message);
    }

    [Fact]
    public void The_line_of_a_too_deep_placeholder_is_named()
    {
        var body = "Line one\nLine two\n{{ " + new string('(', 20) + "1" + new string(')', 20) + " }}";

        var problem = Assert.Single(_renderer.Render("Update", body, _model).Problems);

        Assert.Equal(3, problem.Line);
    }

    [Fact]
    public void A_long_fact_repeated_by_a_loop_is_stopped_at_the_rendered_size_budget()
    {
        var model = RenderTestModel.With(RenderTestModel.Fact("notes", CrisisComms.Web.Features.Incidents.FactType.Text, new string('n', 4000)));

        var outcome = _renderer.Render("Update", "{% for i in (1..200) %}{{ facts.notes }}{% endfor %}", model);

        var problem = Assert.Single(outcome.Problems);
        Assert.Equal(413, problem.BudgetStatus);
        Assert.Contains($"{TextBudget.RenderedChars:N0}", problem.Message);
    }

    [Fact]
    public void A_fact_value_that_is_hostile_markdown_is_held_to_the_markdown_budgets_once_filled_in()
    {
        var model = RenderTestModel.With(RenderTestModel.Fact("notes", CrisisComms.Web.Features.Incidents.FactType.Text, new string('>', 3000) + " x"));

        var outcome = _renderer.Render("Update", "{{ facts.notes }}", model);

        Assert.Equal(400, Assert.Single(outcome.Problems).BudgetStatus);
    }

    [Fact]
    public void Comment_markdown_is_held_to_the_same_budgets()
    {
        var problems = new List<RenderProblem>();

        Assert.Null(_renderer.TryMarkdownToSafeHtml("body", new string('[', 9000) + "x", problems));
        Assert.Equal(400, Assert.Single(problems).BudgetStatus);
        Assert.Contains("<strong>fine</strong>", _renderer.TryMarkdownToSafeHtml("body", "**fine**", problems));
    }

    [Fact]
    public void A_template_file_with_hostile_front_matter_or_body_is_reported_not_fatal()
    {
        var deepYaml = "---\nkind: faq\naudience: public\ntitle: x\nchannel: web\nfacts: " + new string('[', 50_000) + new string(']', 50_000) + "\n---\nBody";
        var (broken, error) = TemplateLibrary.Parse("deep-yaml", deepYaml);
        Assert.Null(broken);
        Assert.Contains("front matter", error);

        var deepLiquid = "---\nkind: faq\naudience: public\ntitle: x\nchannel: web\n---\n" + HostilePayloads.RefusedBodies[0].Body;
        var (template, _) = TemplateLibrary.Parse("deep-liquid", deepLiquid);
        Assert.Equal(400, _renderer.Render(template!.Title, template.Body, _model).Problems.Single().BudgetStatus);
    }

    private static string RepoTemplates() => Path.Combine(Infrastructure.RepoPaths.Root, "content", "templates");
}
