using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CrisisComms.Web.Features.Statements;

/// <summary>
/// The budgets every user text is held to before it is parsed or rendered: size, nesting depth and render
/// time. A stack overflow cannot be caught in .NET (it ends the process), so nesting is counted by the
/// cheap, non-recursive scans below <em>before</em> Fluid or Markdig see the text; the time budget bounds
/// what is left (quadratic corners of the parsers, the sanitiser's cost per element).
/// The README's "Budgets" table lists these figures; keep the two in step.
/// </summary>
public static class TextBudget
{
    /// <summary>Characters in one <c>{{ … }}</c> or <c>{% … %}</c>: a long filter or <c>and</c> chain nests inside Fluid's parser.</summary>
    public const int LiquidMarkupChars = 1_000;
    /// <summary>Liquid blocks (<c>if</c>, <c>for</c>, <c>case</c>, <c>capture</c> …) open inside each other.</summary>
    public const int LiquidBlockDepth = 16;
    /// <summary>Brackets and parentheses open inside one placeholder or tag.</summary>
    public const int LiquidBracketDepth = 8;
    /// <summary>Characters a template may produce (a loop can repeat a long fact many times).</summary>
    public const int RenderedChars = 200_000;
    /// <summary>Quote and list markers at the start of one Markdown line (each is a level of nesting).</summary>
    public const int MarkdownLineDepth = 16;
    /// <summary>Columns of indentation at the start of one Markdown line (nested lists indent).</summary>
    public const int MarkdownIndent = 64;
    /// <summary>Table columns (pipes on one line): every row is padded to the header's width.</summary>
    public const int MarkdownTableColumns = 64;
    /// <summary>
    /// Characters in one run of lines without a blank line between them (a paragraph, a table, a tight list):
    /// Markdig's inline parser is quadratic in a few corners (thousands of unclosed <c>[a](</c>), so runs are kept short.
    /// </summary>
    public const int MarkdownParagraphChars = 10_000;
    /// <summary>Levels of nesting in the parsed document (blocks and inlines).</summary>
    public const int MarkdownDepth = 32;
    /// <summary>Parts of the parsed document (paragraphs, list items, cells, links, emphasis, runs of text): the sanitiser's cost grows with them.</summary>
    public const int MarkdownElements = 4_000;
    /// <summary>Time for one render (Liquid, Markdown and the sanitiser); text that needs longer is refused, so it is never saved.</summary>
    public static readonly TimeSpan RenderTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Liquid's shape: markup length, block depth and bracket depth, in one pass, before parsing.
    /// Conservative: text inside <c>{% raw %}</c> or a string is counted as if it were markup.
    /// </summary>
    public static RenderProblem? CheckLiquid(string field, string source)
    {
        var depth = 0;
        var i = 0;
        while (i < source.Length - 1)
        {
            if (source[i] != '{' || (source[i + 1] != '{' && source[i + 1] != '%')) { i++; continue; }
            var isTag = source[i + 1] == '%';
            var close = source.IndexOf(isTag ? "%}" : "}}", i + 2, StringComparison.Ordinal);
            var end = close < 0 ? source.Length : close;
            var markup = source.AsSpan(i + 2, end - i - 2);
            if (markup.Length > LiquidMarkupChars)
                return Over(field, source, i, $"A placeholder or tag is {markup.Length:N0} characters long; the limit is {LiquidMarkupChars:N0}.");
            var brackets = 0;
            foreach (var c in markup)
            {
                if (c is '(' or '[') brackets++;
                else if (c is ')' or ']') brackets = Math.Max(0, brackets - 1);
                if (brackets > LiquidBracketDepth)
                    return Over(field, source, i, $"A placeholder or tag nests brackets more than {LiquidBracketDepth} deep.");
            }
            if (isTag)
            {
                var name = TagName(markup);
                if (BlockTags.Contains(name)) depth++;
                else if (name.StartsWith("end", StringComparison.Ordinal) && BlockTags.Contains(name[3..])) depth = Math.Max(0, depth - 1);
                if (depth > LiquidBlockDepth)
                    return Over(field, source, i, $"Tags ({{% if %}}, {{% for %}} …) are nested more than {LiquidBlockDepth} deep.");
            }
            i = close < 0 ? source.Length : close + 2;
        }
        return null;
    }

    /// <summary>
    /// Markdown's shape line by line, before parsing: quote/list markers and indentation at a line's start,
    /// and the width of table rows. Markdig's own depth guard is the backstop; this names the line.
    /// </summary>
    public static RenderProblem? CheckMarkdownLines(string field, string markdown)
    {
        var line = 1;
        var start = 0;
        var paragraph = 0;
        var paragraphLine = 1;
        while (start <= markdown.Length)
        {
            var end = markdown.IndexOf('\n', start);
            if (end < 0) end = markdown.Length;
            var text = markdown.AsSpan(start, end - start);
            int indent = 0, markers = 0, pipes = 0, k = 0;
            for (; k < text.Length; k++)
            {
                var c = text[k];
                if (c == ' ') indent++;
                else if (c == '\t') indent += 4;
                else if (c == '>') markers++;
                else if (c is '-' or '*' or '+' && k + 1 < text.Length && text[k + 1] is ' ' or '\t') markers++;
                else if (char.IsAsciiDigit(c))
                {
                    // An ordered-list marker is digits, then "." or ")", then a space; anything else is text.
                    var d = k;
                    while (d < text.Length && char.IsAsciiDigit(text[d])) d++;
                    if (d + 1 < text.Length && text[d] is '.' or ')' && text[d + 1] is ' ' or '\t') { markers++; k = d; }
                    else break;
                }
                else break;
            }
            if (markers > MarkdownLineDepth)
                return new RenderProblem(field, line, $"This line opens {markers} quotes or lists inside each other; the limit is {MarkdownLineDepth}.", 400);
            if (indent > MarkdownIndent)
                return new RenderProblem(field, line, $"This line is indented {indent} columns; the limit is {MarkdownIndent} (lists nested too deeply).", 400);
            foreach (var c in text) if (c == '|') pipes++;
            if (pipes > MarkdownTableColumns + 1)
                return new RenderProblem(field, line, $"This line has {pipes} table column separators (|); the limit is {MarkdownTableColumns} columns.", 400);
            if (text.IsWhiteSpace()) paragraph = 0;
            else
            {
                if (paragraph == 0) paragraphLine = line;
                paragraph += text.Length + 1;
                if (paragraph > MarkdownParagraphChars)
                    return new RenderProblem(field, paragraphLine, $"The paragraph starting on this line is longer than {MarkdownParagraphChars:N0} characters; put blank lines between paragraphs.", 400);
            }
            line++;
            start = end + 1;
        }
        return null;
    }

    /// <summary>Size and depth of the parsed document, counted without recursion before it is rendered.</summary>
    public static RenderProblem? CheckDocument(string field, MarkdownDocument document)
    {
        var count = 0;
        var stack = new Stack<(MarkdownObject Node, int Depth)>();
        stack.Push((document, 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (++count > MarkdownElements)
                return new RenderProblem(field, null, $"The text has more than {MarkdownElements:N0} parts (paragraphs, list items, table cells, links, emphasis); split it into several statements.", 400);
            if (depth > MarkdownDepth)
                return new RenderProblem(field, (node as Block)?.Line + 1 ?? (node as Inline)?.Line + 1, $"The text nests quotes, lists, links or emphasis more than {MarkdownDepth} levels deep.", 400);
            switch (node)
            {
                case ContainerBlock container:
                    foreach (var child in container) stack.Push((child, depth + 1));
                    break;
                case LeafBlock { Inline: { } inline }:
                    stack.Push((inline, depth + 1));
                    break;
                case ContainerInline containerInline:
                    for (var child = containerInline.FirstChild; child is not null; child = child.NextSibling) stack.Push((child, depth + 1));
                    break;
            }
        }
        return null;
    }

    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "if", "unless", "for", "case", "capture", "tablerow", "comment", "raw", "ifchanged", "macro", "with", "paginate", "form", "javascript", "stylesheet",
    };

    private static string TagName(ReadOnlySpan<char> markup)
    {
        markup = markup.TrimStart('-').TrimStart();
        var n = 0;
        while (n < markup.Length && (char.IsAsciiLetterOrDigit(markup[n]) || markup[n] == '_')) n++;
        return markup[..n].ToString();
    }

    private static RenderProblem Over(string field, string source, int index, string message) =>
        new(field, source.AsSpan(0, index).Count('\n') + 1, message, 400);
}
