using AngleSharp.Dom;
using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>The rendering pipeline: strict Liquid, Markdown without raw HTML, sanitised HTML, facts used and the content hash.</summary>
public sealed class StatementRendererTests
{
    private readonly StatementRenderer _renderer = new();
    private readonly LiquidModel _model = RenderTestModel.Standard();

    // ---- Markdown ---------------------------------------------------------------------------------

    [Fact]
    public void Ordinary_markdown_survives_the_pipeline()
    {
        const string body = """
            # Water supply update

            We are **working** on it, *urgently*. Use `boil water` advice.

            - Ainslie
            - Braddon

            3. Third
            4. Fourth

            > Stay safe.

            ---

            Read [the help page](https://example.com/help "Help") or [email us](mailto:help@example.com).

            | Suburb | Status |
            |---|---|
            | Ainslie | Restored |
            """;

        var document = Html(RenderOk(body).Html);

        Assert.Equal("Water supply update", Assert.Single(document.QuerySelectorAll("h1")).TextContent);
        Assert.Equal("working", Assert.Single(document.QuerySelectorAll("strong")).TextContent);
        Assert.Equal("urgently", Assert.Single(document.QuerySelectorAll("em")).TextContent);
        Assert.Equal("boil water", Assert.Single(document.QuerySelectorAll("code")).TextContent);
        Assert.Equal(["Ainslie", "Braddon"], document.QuerySelectorAll("ul > li").Select(li => li.TextContent));
        var ordered = Assert.Single(document.QuerySelectorAll("ol"));
        Assert.Equal("3", ordered.GetAttribute("start"));
        Assert.Equal(2, ordered.QuerySelectorAll("li").Length);
        Assert.Equal("Stay safe.", Assert.Single(document.QuerySelectorAll("blockquote")).TextContent.Trim());
        Assert.Single(document.QuerySelectorAll("hr"));

        var links = document.QuerySelectorAll("a").ToList();
        Assert.Equal(2, links.Count);
        Assert.Equal("https://example.com/help", links[0].GetAttribute("href"));
        Assert.Equal("Help", links[0].GetAttribute("title"));
        Assert.Equal("the help page", links[0].TextContent);
        Assert.Equal("mailto:help@example.com", links[1].GetAttribute("href"));
        Assert.Equal("email us", links[1].TextContent);

        Assert.Equal(["Suburb", "Status"], document.QuerySelectorAll("table thead th").Select(th => th.TextContent));
        Assert.Equal(["Ainslie", "Restored"], document.QuerySelectorAll("table tbody td").Select(td => td.TextContent));
    }

    [Fact]
    public void A_bare_web_address_becomes_a_link()
    {
        var link = Assert.Single(Html(RenderOk("Details at https://example.com/outage today.").Html).QuerySelectorAll("a"));
        Assert.Equal("https://example.com/outage", link.GetAttribute("href"));
    }

    [Theory]
    [InlineData("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;")]
    [InlineData("Hello <em>there</em>", "Hello &lt;em&gt;there&lt;/em&gt;")]
    [InlineData("<div>block</div>", "&lt;div&gt;block&lt;/div&gt;")]
    public void Raw_html_in_markdown_is_shown_as_text_not_markup(string body, string expectedEscaped)
    {
        var html = RenderOk(body).Html;

        Assert.Contains(expectedEscaped, html, StringComparison.Ordinal);
        var document = Html(html);
        Assert.Empty(document.QuerySelectorAll("b, em, div"));
        Assert.Contains(body, document.Body!.TextContent, StringComparison.Ordinal);
    }

    // ---- Strict Liquid: problems name the placeholder and the line ------------------------------

    [Fact]
    public void An_unknown_fact_is_one_problem_on_its_line()
    {
        var problem = SingleProblem("Line one\nLine two\nWe have {{ facts.nope }} here.");

        Assert.Equal("body", problem.Field);
        Assert.Equal(3, problem.Line);
        Assert.Contains("facts.nope", problem.Message, StringComparison.Ordinal);
        Assert.Contains("affected_count", problem.Message, StringComparison.Ordinal); // lists the facts that do exist
    }

    [Fact]
    public void An_unknown_top_level_name_is_a_problem_naming_it()
    {
        var problem = SingleProblem("Intro\nHello {{ foo }}");

        Assert.Equal("body", problem.Field);
        Assert.Equal(2, problem.Line);
        Assert.Contains("\"foo\"", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ org.x }}", "org.x")]
    [InlineData("{{ incident.x }}", "incident.x")]
    [InlineData("{{ incident.nope_at }}", "incident.nope_at")]
    [InlineData("{% if facts.maybe %}yes{% endif %}", "facts.maybe")]
    public void An_unknown_member_of_a_group_is_a_problem_naming_it(string placeholder, string name)
    {
        var problem = SingleProblem("Intro\n\n" + placeholder);

        Assert.Equal("body", problem.Field);
        Assert.Equal(3, problem.Line);
        Assert.Contains(name, problem.Message, StringComparison.Ordinal);
        Assert.Contains("not a placeholder", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_known_name_with_no_value_yet_is_a_problem_saying_so()
    {
        var problem = SingleProblem("Update\nNext update: {{ incident.next_update_due }}");

        Assert.Equal(2, problem.Line);
        Assert.Contains("incident.next_update_due", problem.Message, StringComparison.Ordinal);
        Assert.Contains("no value", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% if x %}never closed", 1)]
    [InlineData("Intro\n{{ a }", 2)]
    [InlineData("One\nTwo\nThree {{ facts.suburbs | }}", 3)]
    public void Malformed_liquid_is_a_problem_with_a_line(string body, int line)
    {
        var problem = SingleProblem(body);

        Assert.Equal("body", problem.Field);
        Assert.Equal(line, problem.Line);
        Assert.Contains("malformed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_filter_is_a_problem()
    {
        var problem = SingleProblem("{{ facts.affected_count | nofilter }}");

        Assert.Equal("body", problem.Field);
        Assert.Contains("nofilter", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_in_the_title_is_reported_for_the_title()
    {
        var problem = Assert.Single(_renderer.Render("Update on {{ facts.nope }}", "A fine body.", _model).Problems);

        Assert.Equal("title", problem.Field);
        Assert.Equal(1, problem.Line);
        Assert.Contains("facts.nope", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_in_title_and_body_are_both_reported()
    {
        var outcome = _renderer.Render("{{ facts.one }}", "{{ facts.two }}", _model);

        Assert.False(outcome.Ok);
        Assert.Null(outcome.Result);
        Assert.Equal(["title", "body"], outcome.Problems.Select(p => p.Field));
        Assert.Contains("facts.one", outcome.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("facts.two", outcome.Problems[1].Message, StringComparison.Ordinal);
    }

    // ---- Facts ------------------------------------------------------------------------------------

    [Fact]
    public void A_list_fact_prints_as_a_sentence_and_can_be_looped_over()
    {
        var result = RenderOk("Affected: {{ facts.suburbs }}.\n\n{% for s in facts.suburbs %}{{ s }};{% endfor %}\n\n{% for s in facts.suburbs %}\n- {{ s }}{% endfor %}");

        var document = Html(result.Html);
        var paragraphs = document.QuerySelectorAll("p").Select(p => p.TextContent).ToList();
        Assert.Equal(["Affected: Ainslie, Braddon and Campbell.", "Ainslie;Braddon;Campbell;"], paragraphs);
        Assert.Equal(["Ainslie", "Braddon", "Campbell"], document.QuerySelectorAll("ul > li").Select(li => li.TextContent));
    }

    [Fact]
    public void A_list_fact_has_size_first_and_last()
    {
        var result = RenderOk("{{ facts.suburbs.size }} {{ facts.suburbs.first }} {{ facts.suburbs.last }}");
        Assert.Equal("<p>3 Ainslie Campbell</p>", result.Html.Trim());
    }

    [Fact]
    public void A_number_fact_prints_its_display_form()
    {
        var result = RenderOk("About {{ facts.affected_count }} customers.");

        Assert.Equal("About 6,000,000 customers.", result.Markdown);
        Assert.Equal("6000000", result.FactsUsed["affected_count"]); // what was stored, not how it reads
    }

    [Fact]
    public void Org_and_incident_values_print()
    {
        var result = RenderOk("{{ org.name }}: {{ incident.title }}");
        Assert.Equal("Example Water: Water supply interruption", result.Markdown);
    }

    [Fact]
    public void Facts_used_lists_exactly_the_facts_referenced_with_their_stored_values()
    {
        var outcome = _renderer.Render(
            "Call {{ facts.hotline }}",
            "{{ facts.affected_count }} customers in {{ facts.suburbs }}.\n\nAgain: {{ facts.affected_count }}. {{ org.name }}",
            _model);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["affected_count"] = "6000000",
                ["hotline"] = "1800 160 401",
                ["suburbs"] = "Ainslie\nBraddon\nCampbell",
            },
            outcome.Result!.FactsUsed);
        Assert.Equal(["affected_count", "hotline", "suburbs"], outcome.Result.FactsUsed.Keys); // sorted, "agency" not used
    }

    [Fact]
    public void No_facts_used_gives_an_empty_list()
    {
        Assert.Empty(RenderOk("Nothing to see.").FactsUsed);
    }

    // ---- Title ------------------------------------------------------------------------------------

    [Fact]
    public void The_title_is_trimmed_one_line_plain_text()
    {
        var result = _renderer.Render("  Update on **{{ incident.title }}**\nsecond line  ", "Body.", _model).Result!;
        Assert.Equal("Update on **Water supply interruption** second line", result.Title);
    }

    // ---- Content hash -----------------------------------------------------------------------------

    [Fact]
    public void The_same_input_renders_to_the_same_hash()
    {
        var first = RenderOk("We have **{{ facts.affected_count }}** affected.");
        var second = new StatementRenderer().Render("Update", "We have **{{ facts.affected_count }}** affected.", RenderTestModel.Standard()).Result!;

        Assert.Equal(first.Html, second.Html);
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", first.ContentHash);
        Assert.Equal(StatementRenderer.Hash(first.Title, first.Html), first.ContentHash);
    }

    [Theory]
    [InlineData("We have 6,000,000 affected.", "We have 6,000,001 affected.")]
    [InlineData("We have 6,000,000 affected.", "We have 6,000,000 affected!")]
    [InlineData("We have 6,000,000 affected.", "we have 6,000,000 affected.")]
    [InlineData("We have 6,000,000 affected.", "We have **6,000,000** affected.")]
    public void A_one_character_change_changes_the_hash(string before, string after)
    {
        Assert.NotEqual(RenderOk(before).ContentHash, RenderOk(after).ContentHash);
    }

    [Fact]
    public void A_changed_fact_value_changes_the_hash()
    {
        var before = RenderOk("{{ facts.affected_count }}");
        var after = _renderer.Render("Update", "{{ facts.affected_count }}",
            RenderTestModel.With(RenderTestModel.Fact("affected_count", FactType.Number, "6000001"))).Result!;

        Assert.NotEqual(before.ContentHash, after.ContentHash);
    }

    [Fact]
    public void The_hash_differs_when_only_the_title_differs()
    {
        const string html = "<p>Same body</p>";
        Assert.NotEqual(StatementRenderer.Hash("Update 1", html), StatementRenderer.Hash("Update 2", html));
        Assert.Equal(StatementRenderer.Hash("Update 1", html), StatementRenderer.Hash("Update 1", html));

        var one = _renderer.Render("Update 1", "Same body", _model).Result!;
        var two = _renderer.Render("Update 2", "Same body", _model).Result!;
        Assert.Equal(one.Html, two.Html);
        Assert.NotEqual(one.ContentHash, two.ContentHash);
    }

    [Fact]
    public void Title_and_html_cannot_be_shifted_into_each_other_to_forge_a_hash()
    {
        Assert.NotEqual(StatementRenderer.Hash("ab", "c"), StatementRenderer.Hash("a", "bc"));
        Assert.NotEqual(StatementRenderer.Hash("", "x"), StatementRenderer.Hash("x", ""));
    }

    // ---- Runaway templates ------------------------------------------------------------------------

    [Fact]
    public async Task A_huge_nested_loop_is_stopped_with_a_problem_not_a_hang()
    {
        var render = Task.Run(() => _renderer.Render("Update",
            "{% for i in (1..10000) %}{% for j in (1..10000) %}x{% endfor %}{% endfor %}", _model));

        var outcome = await render.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(outcome.Ok);
        Assert.Null(outcome.Result);
        Assert.Equal("body", Assert.Single(outcome.Problems).Field);
    }

    /// <summary>
    /// BUG (reported, minor): when MaxSteps stops a loop the editor shows Fluid's "The maximum level of recursion
    /// has been reached. Your script must have a cyclic include statement." for a template with no include at all.
    /// </summary>
    [Fact]
    public void A_runaway_loop_problem_does_not_blame_an_include_that_is_not_there()
    {
        var problem = SingleProblem("{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}");

        Assert.DoesNotContain("include", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_long_but_reasonable_loop_still_renders()
    {
        var result = RenderOk("{% for i in (1..1000) %}{{ i }} {% endfor %}");
        Assert.EndsWith("999 1000", result.Markdown.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression (was a bug): Fluid builds the whole range as an array before the loop's MaxSteps
    /// check can stop it, so one preview of "{% for i in (1..100000000) %}x{% endfor %}" takes ~24 s and
    /// ~4.7 GB before the problem comes back. Measured with 10,000,000 items (~1 s, hundreds of MB) to keep
    /// the suite cheap: stopping after 200,000 steps should not need more than a few MB.
    /// </summary>
    [Fact]
    public void A_huge_range_is_stopped_without_building_it_in_memory()
    {
        const string body = "{% for i in (1..10000000) %}x{% endfor %}";
        var before = GC.GetAllocatedBytesForCurrentThread();

        var outcome = _renderer.Render("Update", body, _model);

        var allocatedMb = (GC.GetAllocatedBytesForCurrentThread() - before) / (1024 * 1024);
        Assert.False(outcome.Ok);
        Assert.Single(outcome.Problems);
        Assert.True(allocatedMb < 64, $"rendering {body} allocated {allocatedMb} MB before being stopped");
    }

    /// <summary>Regression (was a bug): an int.MaxValue-sized range throws OutOfMemoryException out of Render.</summary>
    [Fact]
    public void A_range_too_large_to_exist_is_a_problem_not_an_exception()
    {
        var outcome = Record.Exception(() => _renderer.Render("Update", "{% for i in (1..2147483647) %}x{% endfor %}", _model));

        Assert.Null(outcome);
    }

    /// <summary>Regression (was a bug): include/render have no file provider, and the FileNotFoundException escapes Render.</summary>
    [Theory]
    [InlineData("{% include 'footer' %}")]
    [InlineData("{% render 'footer' %}")]
    public void Include_and_render_tags_are_a_problem_not_an_exception(string body)
    {
        RenderOutcome? outcome = null;
        var error = Record.Exception(() => outcome = _renderer.Render("Update", body, _model));

        Assert.Null(error);
        Assert.False(outcome!.Ok);
        Assert.Equal("body", Assert.Single(outcome.Problems).Field);
    }

    /// <summary>Regression (was a bug): the line is found by the last part of the name only, so "facts.name" is blamed on line 1's "org.name".</summary>
    [Fact]
    public void The_line_of_an_unknown_fact_is_its_own_line_even_if_another_group_has_that_name()
    {
        var problem = SingleProblem("{{ org.name }}\n\nCall {{ facts.name }}");

        Assert.Contains("facts.name", problem.Message, StringComparison.Ordinal);
        Assert.Equal(3, problem.Line);
    }

    /// <summary>Regression (was a bug): an index or a member of a fact yields "\"Fluid.Ast.IndexerSegment\" is not a placeholder".</summary>
    [Theory]
    [InlineData("{{ facts.suburbs[5] }}", "facts.suburbs")]
    [InlineData("{{ facts.agency.name }}", "facts.agency")]
    public void A_problem_with_an_index_or_member_names_the_placeholder_not_fluid_internals(string body, string name)
    {
        var problem = SingleProblem(body);

        Assert.DoesNotContain("Fluid.", problem.Message, StringComparison.Ordinal);
        Assert.Contains(name, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fact_can_also_be_read_by_index_with_its_key()
    {
        Assert.Contains("6,000,000", RenderOk("{{ facts['affected_count'] }}").Markdown, StringComparison.Ordinal);
    }

    /// <summary>Regression (was a bug): a group printed on its own is meant to be an error ("use facts.&lt;name&gt;") but prints nothing.</summary>
    [Theory]
    [InlineData("Affected: {{ facts }}")]
    [InlineData("From {{ org }}")]
    [InlineData("About {{ incident }}")]
    public void Printing_a_whole_group_is_a_problem_not_silently_empty(string body)
    {
        var outcome = _renderer.Render("Update", body, _model);

        Assert.False(outcome.Ok, $"rendered as \"{outcome.Result?.Markdown}\"");
        Assert.Contains("group of placeholders", Assert.Single(outcome.Problems).Message, StringComparison.Ordinal);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private RenderedStatement RenderOk(string body)
    {
        var outcome = _renderer.Render("Update", body, _model);
        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.Empty(outcome.Problems);
        return outcome.Result!;
    }

    private RenderProblem SingleProblem(string body)
    {
        var outcome = _renderer.Render("Update", body, _model);
        Assert.False(outcome.Ok);
        Assert.Null(outcome.Result);
        return Assert.Single(outcome.Problems);
    }

    private static IDocument Html(string html) => SafeHtmlAssert.Parse(html);
}
