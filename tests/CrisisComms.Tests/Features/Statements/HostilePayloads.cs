namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// Texts a hostile (or careless) signed-in author can type, by class: nesting that would overflow a parser's stack,
/// quadratic Markdown, output blow-ups and plain size. Each over-budget payload names the status the API answers
/// with; the accepted ones are the worst shapes that stay within every budget (the benchmark times them).
/// Shared with the benchmark project (linked), so both measure the same texts.
/// </summary>
public static class HostilePayloads
{
    /// <summary>A body the renderer must refuse: its name, the text, and 400 (too deep/slow) or 413 (too large).</summary>
    public sealed record Refused(string Name, string Body, int Status)
    {
        public override string ToString() => Name;
    }

    private static string Rep(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    private static string Paragraphs(string s, int perParagraph, int paragraphs) => string.Join("\n\n", Enumerable.Repeat(Rep(s, perParagraph), paragraphs));

    /// <summary>Every class of over-budget body (each alone would, before the budgets, crash the process or hold a core for seconds).</summary>
    public static IReadOnlyList<Refused> RefusedBodies { get; } =
    [
        // Liquid: nesting in Fluid's recursive-descent parser overflowed the stack (the process died).
        new("liquid-if-nested-3000", Rep("{% if true %}", 3000) + "x" + Rep("{% endif %}", 3000), 400),
        new("liquid-for-nested-2000", Rep("{% for i in (1..2) %}", 2000) + "x" + Rep("{% endfor %}", 2000), 400),
        new("liquid-unless-case-mixed", Rep("{% unless false %}{% case 1 %}{% when 1 %}", 1000) + "x", 400),
        new("liquid-filter-chain-10000", "{{ org.name" + Rep(" | upcase", 10_000) + " }}", 400),
        new("liquid-parentheses-5000", "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}", 400),
        new("liquid-brackets-nested", "{{ org[" + Rep("org[", 20) + "'name'" + new string(']', 21) + " }}", 400),
        // Liquid that produces too much: a loop repeating text past the rendered-size budget.
        new("liquid-output-blowup", "{% for i in (1..9999) %}{{ org.name }} repeated text to make the output large enough{% endfor %}", 413),
        // Markdown nesting: quotes, list markers and indentation.
        new("markdown-quotes-50000", new string('>', 50_000) + " x", 400),
        new("markdown-list-markers-5000", Rep("- ", 5000) + "x", 400),
        new("markdown-nested-lists-indent", string.Concat(Enumerable.Range(0, 60).Select(i => new string(' ', i * 2) + "- x\n")), 400),
        // Markdown inline runs: unclosed brackets and emphasis, links left open (quadratic in Markdig).
        new("markdown-unclosed-brackets-50000", new string('[', 50_000) + "x", 400),
        new("markdown-emphasis-runs-16000", Rep("*a _b ", 16_000), 400),
        new("markdown-emphasis-paragraphs", Paragraphs("*a _b ", 1500, 10), 400),
        new("markdown-unclosed-links-25000", Rep("[a](", 25_000), 400),
        new("markdown-unclosed-links-paragraphs", Paragraphs("[a](", 2400, 10), 400),
        new("markdown-nested-links", Rep("[", 3000) + "x" + Rep("](u)", 3000), 400),
        // Markdown output blow-ups: wide tables (every row padded to the header), many elements.
        new("markdown-table-100-columns", "|" + Rep("a|", 100) + "\n|" + Rep("-|", 100) + "\n" + Rep("|x\n", 100), 400),
        new("markdown-table-many-cells", "|" + Rep("a|", 60) + "\n|" + Rep("-|", 60) + "\n" + Rep("|x\n", 150), 400),
        new("markdown-list-items-spread", Rep("- a\n\n", 20_000), 400),
        new("markdown-code-spans-paragraphs", Paragraphs("`a ", 3000, 10), 400),
        // Size.
        new("body-200kb", new string('a', 200 * 1024), 413),
        new("body-multibyte-over-100kb", Rep("é", 60_000), 413),
    ];

    /// <summary>Shapes at the edge of the budgets that must still be accepted (a real long statement stays well inside them).</summary>
    public static IReadOnlyList<(string Name, string Body)> AcceptedBodies { get; } =
    [
        ("liquid-if-nested-16", Rep("{% if true %}", 16) + "x" + Rep("{% endif %}", 16)),
        ("liquid-filter-chain-100", "{{ org.name" + Rep(" | upcase", 100) + " }}"),
        ("markdown-quotes-16", new string('>', 16) + " x"),
        ("markdown-table-64-columns", "|" + Rep("a|", 64) + "\n|" + Rep("-|", 64) + "\n" + Rep("|x\n", 20)),
        ("markdown-unclosed-links-paragraphs", Paragraphs("[a](", 300, 4)),
        ("markdown-emphasis-paragraphs", Paragraphs("*a _b ", 150, 3)),
        ("long-plain-statement-95kb", Paragraphs("We are contacting every affected customer directly. ", 30, 60)),
    ];

    /// <summary>
    /// Families of expensive-but-legal shapes, each a function of a size n up to <c>Max</c>: the benchmark finds the largest
    /// n each family may have (the preview still answers ok) and times the slowest of those, the worst accepted body.
    /// </summary>
    public static IReadOnlyList<(string Name, Func<int, string> Make, int Max)> WorstCaseFamilies { get; } =
    [
        ("unclosed-links-in-paragraphs", n => Paragraphs("[a](", 2400, 10)[..Math.Min(n, 100_000)], 100_000),
        ("emphasis-runs-in-paragraphs", n => Paragraphs("*a _b ", 1600, 10)[..Math.Min(n, 96_000)], 96_000),
        ("code-spans-in-paragraphs", n => Paragraphs("`a ", 3300, 10)[..Math.Min(n, 99_000)], 99_000),
        ("table-64-columns", n => "|" + Rep("a|", 64) + "\n|" + Rep("-|", 64) + "\n" + Rep("|x|y|z\n", n), 5000),
        ("list-items", n => Rep("- item with **bold** and [a link](https://example.com)\n\n", n), 2000),
        ("links", n => Paragraphs("[a](https://example.com/a) ", 200, Math.Max(1, n / 200)), 20_000),
        ("liquid-loop-output", n => "{% for i in (1.." + n + ") %}{{ org.name }} and some text to fill the line out. {% endfor %}", 10_000),
        ("plain-paragraphs", n => Paragraphs("We are contacting every affected customer directly. ", 30, n), 63),
    ];
}
