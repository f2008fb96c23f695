using CrisisComms.Web.Features.Incidents;
using CrisisComms.Web.Features.Statements;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// Every payload in <see cref="XssCorpus"/> goes through the one rendering pipeline as a statement body,
/// as the value of a fact printed by a template, and as a title; what comes out must be inert.
/// </summary>
public sealed class XssCorpusTests
{
    private const string PlainBody = "The supply will be restored by this evening.";

    private readonly StatementRenderer _renderer = new();

    public static TheoryData<string> Payloads()
    {
        var data = new TheoryData<string>();
        foreach (var payload in XssCorpus.Payloads) data.Add(payload);
        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_200_distinct_payloads()
    {
        Assert.True(XssCorpus.Payloads.Count >= 200, $"only {XssCorpus.Payloads.Count} distinct payloads");
        Assert.Equal(XssCorpus.WrittenCount, XssCorpus.Payloads.Count); // no payload written twice by mistake
        Assert.DoesNotContain(XssCorpus.Payloads, p => p.StartsWith("# ----", StringComparison.Ordinal)); // comments are not payloads
    }

    [Fact]
    public void The_checks_themselves_catch_dangerous_html()
    {
        // If the assertions were too lax the corpus would prove nothing: they must reject what they are meant to.
        string[] dangerous =
        [
            "<script>alert(1)</script>", "<p onclick=\"alert(1)\">x</p>", "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" java\tscript:alert(1)\">x</a>", "<a href=\"&#106;avascript:alert(1)\">x</a>", "<img src=x>",
            "<p style=\"color:red\">x</p>", "<svg></svg>", "<math></math>", "<meta http-equiv=refresh content=0>",
            "<base href=\"https://evil.example/\">", "<a href=\"data:text/html,x\">x</a>", "<a href=\"vbscript:x\">x</a>",
            "<iframe></iframe>", "<form></form>", "<object></object>", "<embed>", "<link rel=import>", "<style></style>",
        ];
        foreach (var html in dangerous)
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SafeHtmlAssert.Safe(html, "self-check"));

        SafeHtmlAssert.Safe("<p><a href=\"https://example.com\" title=\"t\">x</a> <a href=\"mailto:a@example.com\">m</a> <a href=\"/relative\">r</a></p><ol start=\"2\"><li>x</li></ol>", "self-check");
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void As_the_body_the_payload_is_inert(string payload)
    {
        // The Markdown + sanitiser stage on its own, whatever Liquid makes of the payload.
        SafeHtmlAssert.Safe(_renderer.MarkdownToSafeHtml(payload), "MarkdownToSafeHtml");

        var model = RenderTestModel.With(RenderTestModel.Fact("evil", FactType.Text, "<img src=x onerror=alert(1)>"));
        var outcome = _renderer.Render("Update", payload, model);

        if (!outcome.Ok)
        {
            // Liquid refused it: nothing is produced that could be published.
            Assert.Null(outcome.Result);
            Assert.NotEmpty(outcome.Problems);
            Assert.True(LooksLikeLiquid(payload), $"a payload with no Liquid in it was refused: {string.Join("; ", outcome.Problems)}");
            return;
        }

        var result = outcome.Result!;
        SafeHtmlAssert.Safe(result.Html, "body");
        if (!LooksLikeLiquid(payload))
        {
            Assert.Equal(payload, result.Markdown); // plain text passes through Liquid untouched
            Assert.Equal(_renderer.MarkdownToSafeHtml(payload), result.Html);
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void As_a_fact_value_printed_in_text_the_payload_is_inert(string payload)
    {
        var outcome = _renderer.Render("Update", "Before {{ facts.evil }} after", EvilModel(payload));

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        var result = outcome.Result!;
        Assert.Equal(payload, result.FactsUsed["evil"]);
        Assert.Equal("Before " + payload + " after", result.Markdown); // Liquid does not re-read the value as a template
        SafeHtmlAssert.Safe(result.Html, "fact in text");
        Assert.Contains("Before", SafeHtmlAssert.Parse(result.Html).Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void As_a_fact_value_used_as_a_link_or_image_target_the_payload_is_inert(string payload)
    {
        string[] bodies =
        [
            "[click]({{ facts.evil }})",
            "See [the notice]({{ facts.evil }} \"More\") for details.",
            "![map]({{ facts.evil }})",
            "[click][ref]\n\n[ref]: {{ facts.evil }}",
            "<{{ facts.evil }}>",
        ];
        foreach (var body in bodies)
        {
            var outcome = _renderer.Render("Update", body, EvilModel(payload));
            Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
            SafeHtmlAssert.Safe(outcome.Result!.Html, $"fact in \"{body}\"");
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void As_the_title_the_payload_stays_plain_text_and_does_not_touch_the_html(string payload)
    {
        var model = RenderTestModel.With(RenderTestModel.Fact("evil", FactType.Text, payload));
        var baseline = _renderer.Render("Update", PlainBody, model).Result!;

        var outcome = _renderer.Render(payload, PlainBody, model);

        if (LooksLikeLiquid(payload))
        {
            // Liquid in a title is allowed; whatever it makes, it stays out of the HTML.
            if (!outcome.Ok)
            {
                Assert.Null(outcome.Result);
                Assert.All(outcome.Problems, p => Assert.Equal("title", p.Field));
                return;
            }
        }
        else
        {
            Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
            Assert.Equal(payload.Trim().ReplaceLineEndings(" "), outcome.Result!.Title); // the text, not HTML: the page encodes it
        }

        var result = outcome.Result!;
        Assert.DoesNotContain('\n', result.Title);
        Assert.DoesNotContain('\r', result.Title);
        Assert.Equal(baseline.Html, result.Html);
        Assert.Equal(baseline.Markdown, result.Markdown);
        Assert.Equal(StatementRenderer.Hash(result.Title, result.Html), result.ContentHash);
    }

    [Fact]
    public void A_hostile_fact_value_prints_as_visible_text()
    {
        var outcome = _renderer.Render("Update", "Before {{ facts.evil }} after",
            EvilModel("<script>alert(1)</script><img src=x onerror=alert(2)>"));

        var html = outcome.Result!.Html;
        Assert.Equal("<p>Before &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; after</p>", html.Trim());
    }

    [Fact]
    public void A_javascript_link_keeps_its_text_but_loses_its_target()
    {
        var html = _renderer.Render("Update", "[click](javascript:alert(1))", RenderTestModel.With()).Result!.Html;

        var link = Assert.Single(SafeHtmlAssert.Parse(html).QuerySelectorAll("a"));
        Assert.Equal("click", link.TextContent);
        Assert.Null(link.GetAttribute("href"));
    }

    private static LiquidModel EvilModel(string payload) =>
        RenderTestModel.With(RenderTestModel.Fact("evil", FactType.Text, payload));

    private static bool LooksLikeLiquid(string s) => s.Contains("{{", StringComparison.Ordinal) || s.Contains("{%", StringComparison.Ordinal);
}
