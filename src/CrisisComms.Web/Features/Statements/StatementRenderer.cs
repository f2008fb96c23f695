using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;

namespace CrisisComms.Web.Features.Statements;

/// <summary>
/// A problem in a template or statement, with where it is. <paramref name="BudgetStatus"/> is set when the text is
/// over a budget (413 too large, 400 too deep or too slow): the API answers with it rather than a preview.
/// </summary>
public sealed record RenderProblem(string Field, int? Line, string Message, int? BudgetStatus = null)
{
    public override string ToString() => Line is { } l ? $"{Field}, line {l}: {Message}" : $"{Field}: {Message}";
}

/// <summary>What would be published, and the fact values it was made from.</summary>
public sealed record RenderedStatement(string Title, string Markdown, string Html, string ContentHash, IReadOnlyDictionary<string, string> FactsUsed);

public sealed record RenderOutcome(RenderedStatement? Result, IReadOnlyList<RenderProblem> Problems)
{
    public bool Ok => Result is not null && Problems.Count == 0;
}

/// <summary>
/// The one rendering pipeline, used by the editor preview, by saving and (later) by publishing:
/// Liquid (Fluid, strict: unknown names are errors) → Markdown (Markdig, raw HTML disabled) →
/// HtmlSanitizer (no scripts, no event handlers, no style, only http/https/mailto links).
/// </summary>
public sealed partial class StatementRenderer
{
    private static readonly FluidParser Parser = new();
    /// <summary>The Markdig pipeline statements use (internal: the render benchmark compares against Markdig alone with it).</summary>
    internal static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public RenderOutcome Render(string titleSource, string bodySource, LiquidModel model)
    {
        var clock = Stopwatch.StartNew();
        titleSource ??= "";
        bodySource ??= "";
        var used = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<RenderProblem>();
        // Sizes first, so nothing larger than the budget is ever scanned or parsed.
        problems.AddRange(SizeProblems(titleSource, bodySource));
        if (problems.Count > 0) return new RenderOutcome(null, problems);

        var title = RenderLiquid("title", titleSource, model, used, problems)?.Trim();
        var markdown = RenderLiquid("body", bodySource, model, used, problems);
        if (problems.Count > 0 || title is null || markdown is null) return new RenderOutcome(null, problems);

        var html = TryMarkdownToSafeHtml("body", markdown, problems);
        if (html is null) return new RenderOutcome(null, problems);
        if (clock.Elapsed > TextBudget.RenderTime)
            return new RenderOutcome(null, [new RenderProblem("body", null,
                $"The text took {clock.Elapsed.TotalSeconds:0.#} s to render; the limit is {TextBudget.RenderTime.TotalSeconds:0.#} s. Simplify it (fewer loops, links or table cells) or split it.", 400)]);
        var safeTitle = title.ReplaceLineEndings(" ");
        return new RenderOutcome(new RenderedStatement(safeTitle, markdown, html, Hash(safeTitle, html), used), []);
    }

    /// <summary>The title's and body's size budgets (413): checked before anything else looks at the text.</summary>
    public static IEnumerable<RenderProblem> SizeProblems(string titleSource, string bodySource)
    {
        if (titleSource.Length > StatementRevision.TitleMaxLength)
            yield return new RenderProblem("title", null, $"The title is {titleSource.Length:N0} characters; the limit is {StatementRevision.TitleMaxLength}.", 413);
        var bytes = Encoding.UTF8.GetByteCount(bodySource);
        if (bytes > StatementRevision.BodyMaxBytes)
            yield return new RenderProblem("body", null, $"The text is {bytes / 1024.0:0.#} KB; the limit is {StatementRevision.BodyMaxBytes / 1024} KB. Nothing was saved.", 413);
    }

    /// <summary>
    /// Exactly what saving would produce, without saving, with the channel's counts: the editor's preview on every
    /// keystroke, so it needs no database (the editor has the placeholders' values already).
    /// </summary>
    public (RenderOutcome Outcome, ChannelReport? Counts) Preview(LiquidModel model, StatementKind kind, string title, string body)
    {
        var outcome = Render(title, body, model);
        return (outcome, outcome.Result is { } r ? ChannelLimits.Measure(kind, r.Markdown) : null);
    }

    /// <summary>Markdig with raw HTML off, then the sanitiser. Public so the XSS corpus can test this stage alone.</summary>
    public string MarkdownToSafeHtml(string markdown)
    {
        var problems = new List<RenderProblem>();
        return TryMarkdownToSafeHtml("markdown", markdown, problems)
            ?? throw new Infrastructure.Api.AppValidationException("markdown", problems[0].ToString()) { Status = problems[0].BudgetStatus ?? 400 };
    }

    /// <summary>
    /// Markdown to sanitised HTML within the budgets (line shape, then Markdig's parse, then the document's size and
    /// depth); null with a problem naming <paramref name="field"/> when the text is over one.
    /// </summary>
    public string? TryMarkdownToSafeHtml(string field, string markdown, List<RenderProblem> problems)
    {
        if (markdown.Length > TextBudget.RenderedChars)
        {
            problems.Add(new RenderProblem(field, null, $"The text is {markdown.Length:N0} characters once its placeholders are filled in; the limit is {TextBudget.RenderedChars:N0}.", 413));
            return null;
        }
        if (TextBudget.CheckMarkdownLines(field, markdown) is { } shape)
        {
            problems.Add(shape);
            return null;
        }
        MarkdownDocument document;
        try
        {
            document = Markdig.Markdown.Parse(markdown, Markdown);
        }
        catch (ArgumentException)
        {
            // Markdig's own depth guard ("too deeply nested"): the backstop behind the line scan.
            problems.Add(new RenderProblem(field, null, $"The text nests links, emphasis or brackets too deeply; the limit is {TextBudget.MarkdownDepth} levels.", 400));
            return null;
        }
        if (TextBudget.CheckDocument(field, document) is { } size)
        {
            problems.Add(size);
            return null;
        }
        var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Markdown.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return _sanitizer.Sanitize(writer.ToString());
    }

    /// <summary>SHA-256 over exactly what is published: the title and the HTML.</summary>
    public static string Hash(string title, string html) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("title:" + title + "\nhtml:" + html)));

    private static string? RenderLiquid(string field, string source, LiquidModel model, IDictionary<string, string> used, List<RenderProblem> problems)
    {
        source ??= "";
        if (TextBudget.CheckLiquid(field, source) is { } shape)
        {
            problems.Add(shape);
            return null;
        }
        if (UnsupportedTag().Match(source) is { Success: true } tag)
        {
            problems.Add(new RenderProblem(field, LineAt(source, tag.Index), $"{{% {tag.Groups[1].Value} %}} is not available in statements: write the text in place."));
            return null;
        }
        foreach (Match range in Range().Matches(source))
        {
            if (!long.TryParse(range.Groups[1].Value, out var from) || !long.TryParse(range.Groups[2].Value, out var to))
            {
                problems.Add(new RenderProblem(field, LineAt(source, range.Index), $"The range {range.Value} must use plain whole numbers, e.g. (1..10)."));
                return null;
            }
            if (Math.Abs(to - from) >= MaxRangeItems)
            {
                problems.Add(new RenderProblem(field, LineAt(source, range.Index), $"The range {range.Value} is too long; a statement may loop at most {MaxRangeItems:N0} times."));
                return null;
            }
        }

        if (!Parser.TryParse(source, out var template, out var error))
        {
            var position = ParsePosition().Match(error);
            problems.Add(new RenderProblem(field, position.Success ? int.Parse(position.Groups[1].Value) : null,
                "The placeholders or tags are malformed: " + FirstLine(error)));
            return null;
        }

        var options = new TemplateOptions { StrictVariables = true, StrictFilters = true, MaxSteps = 200_000, MaxRecursion = 10 };
        var context = new TemplateContext(options);
        context.SetValue("org", new StrictGroup("org", model.Org.ToDictionary(kv => kv.Key, kv => Known(kv.Value)), null));
        context.SetValue("incident", new StrictGroup("incident", model.Incident.ToDictionary(kv => kv.Key, kv => Known(kv.Value)), null));
        context.SetValue("facts", new StrictGroup("facts",
            model.Facts.ToDictionary(kv => kv.Key, kv => (FluidValue?)(kv.Value.Type == Incidents.FactType.List ? new ListValue(kv.Value.Items) : new StringValue(kv.Value.Display))),
            key => used[key] = model.Facts[key].Value));

        try
        {
            var output = new BudgetWriter(field);
            template.RenderAsync(output, context, NullEncoder.Default).AsTask().GetAwaiter().GetResult(); // synchronous in practice: every value here is in memory
            return output.ToString();
        }
        catch (BudgetWriter.FullException full)
        {
            problems.Add(full.Problem);
        }
        catch (PlaceholderException e)
        {
            problems.Add(new RenderProblem(field, LineOf(source!, e.Name), e.Message));
        }
        catch (FluidException e) when (UndefinedName().Match(e.Message) is { Success: true } undefined)
        {
            var name = undefined.Groups[1].Value;
            problems.Add(name.StartsWith("Fluid.", StringComparison.Ordinal)
                // Fluid names its syntax node when something past a real placeholder is missing (facts.x.y, facts.x[0]).
                ? new RenderProblem(field, LineOf(source, DeepAccess().Match(source).Value), $"\"{DeepAccess().Match(source).Value.Trim()}\" reaches into a placeholder that has no parts; use facts.<key>, incident.<name> or org.<name> directly.")
                : new RenderProblem(field, LineOf(source, name), $"\"{name}\" is not a placeholder. Use org.*, incident.* or facts.* (see the list of placeholders)."));
        }
        catch (FluidException e) when (UndefinedFilter().Match(e.Message) is { Success: true } filter)
        {
            var name = filter.Groups[1].Value;
            problems.Add(new RenderProblem(field, LineOf(source, name), $"\"{name}\" is not a filter. Common ones: upcase, downcase, capitalize, size, join."));
        }
        catch (Exception e) when (e.Message.Contains("maximum", StringComparison.OrdinalIgnoreCase))
        {
            // Fluid's step limit reports "maximum level of recursion … cyclic include", which misleads authors.
            problems.Add(new RenderProblem(field, null, "The template does too much work (a loop that runs too many times); simplify it."));
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException or FormatException or OverflowException
                                      or DivideByZeroException or NullReferenceException or IndexOutOfRangeException or IOException or InvalidCastException)
        {
            problems.Add(new RenderProblem(field, null, "The template could not be rendered: " + FirstLine(e.Message)));
        }
        return null;
    }

    private static FluidValue? Known(string? value) => value is null ? null : new StringValue(value);

    private const int MaxRangeItems = 10_000;

    /// <summary>The line of the first tag or output that uses the dotted name (e.g. "facts.name", not "org.name").</summary>
    private static int? LineOf(string source, string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var dotted = string.Join(@"\s*\.\s*", name.Trim().Split('.').Select(Regex.Escape));
        var match = Regex.Match(source, @"\{[{%][^}]*?(?<![\w.])" + dotted + @"(?![\w])");
        return match.Success ? LineAt(source, match.Index) : null;
    }

    private static int LineAt(string source, int index) => source.AsSpan(0, index).Count('\n') + 1;

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
                "blockquote", "ul", "ol", "li", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "start" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        return new HtmlSanitizer(options) { KeepChildNodes = true };
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex ParsePosition();

    [GeneratedRegex(@"Undefined variable '([^']+)'")]
    private static partial Regex UndefinedName();

    [GeneratedRegex(@"Undefined filter '([^']+)'")]
    private static partial Regex UndefinedFilter();

    [GeneratedRegex(@"\{%-?\s*(include|render|layout|section|cycle|liquid)\b")]
    private static partial Regex UnsupportedTag();

    [GeneratedRegex(@"\(\s*([^()\s]+?)\s*\.\.\s*([^()\s]+?)\s*\)")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(org|incident|facts)\s*(\.\s*\w+\s*)?(\.\s*\w+|\[[^\]]*\])(\s*(\.\s*\w+|\[[^\]]*\]))*")]
    private static partial Regex DeepAccess();

    /// <summary>Collects a template's output and stops it once it passes <see cref="TextBudget.RenderedChars"/>.</summary>
    private sealed class BudgetWriter(string field) : StringWriter
    {
        public override void Write(char value) { Grow(1); base.Write(value); }
        public override void Write(string? value) { Grow(value?.Length ?? 0); base.Write(value); }
        public override void Write(char[] buffer, int index, int count) { Grow(count); base.Write(buffer, index, count); }
        public override void Write(ReadOnlySpan<char> buffer) { Grow(buffer.Length); base.Write(buffer); }

        private void Grow(int by)
        {
            if (GetStringBuilder().Length + by > TextBudget.RenderedChars)
                throw new FullException(new RenderProblem(field, null,
                    $"The {field} would be more than {TextBudget.RenderedChars:N0} characters once its placeholders and loops are filled in.", 413));
        }

        public sealed class FullException(RenderProblem problem) : Exception(problem.Message)
        {
            public RenderProblem Problem { get; } = problem;
        }
    }

    /// <summary>A placeholder that does not exist or has no value.</summary>
    private sealed class PlaceholderException(string name, string message) : Exception(message)
    {
        public string Name { get; } = name;
    }

    /// <summary>org / incident / facts: members are known by name; anything else is an error naming it.</summary>
    private sealed class StrictGroup(string name, IReadOnlyDictionary<string, FluidValue?> members, Action<string>? onUse) : FluidValue
    {
        public override FluidValues Type => FluidValues.Object;

        public override ValueTask<FluidValue> GetValueAsync(string member, TemplateContext context)
        {
            if (!members.TryGetValue(member, out var value))
            {
                var known = string.Join(", ", members.Keys.Order().Take(30));
                throw new PlaceholderException($"{name}.{member}", $"\"{name}.{member}\" is not a placeholder. Known {name} names: {known}.");
            }
            if (value is null)
                throw new PlaceholderException($"{name}.{member}", $"\"{name}.{member}\" has no value yet: set it on the incident first.");
            onUse?.Invoke(member);
            return value;
        }

        public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) =>
            GetValueAsync(index.ToStringValue(), context);

        public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, System.Globalization.CultureInfo cultureInfo) =>
            throw new PlaceholderException(name, $"\"{name}\" is a group of placeholders; use {name}.<name>.");

        public override bool Equals(FluidValue other) => ReferenceEquals(this, other);
        public override bool ToBooleanValue() => true;
        public override decimal ToNumberValue() => 0;
        public override string ToStringValue() => throw new PlaceholderException(name, $"\"{name}\" is a group of placeholders; use {name}.<name>.");
        public override object ToObjectValue() => members;
        public override bool Equals(object? obj) => ReferenceEquals(this, obj);
        public override int GetHashCode() => name.GetHashCode();
    }

    /// <summary>A list fact: loops over its items, and prints as "a, b and c".</summary>
    private sealed class ListValue(IReadOnlyList<string> items) : FluidValue
    {
        public override FluidValues Type => FluidValues.Array;
        public override IEnumerable<FluidValue> Enumerate(TemplateContext context) => items.Select(i => (FluidValue)new StringValue(i));
        public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => name switch
        {
            "size" => NumberValue.Create(items.Count),
            "first" => items.Count > 0 ? new StringValue(items[0]) : NilValue.Instance,
            "last" => items.Count > 0 ? new StringValue(items[^1]) : NilValue.Instance,
            _ => NilValue.Instance,
        };
        public override bool Contains(FluidValue value) => items.Contains(value.ToStringValue());
        public override bool Equals(FluidValue other) => other is ListValue l && l.ToStringValue() == ToStringValue();
        public override bool ToBooleanValue() => items.Count > 0;
        public override decimal ToNumberValue() => items.Count;
        public override string ToStringValue() => Incidents.FactValues.JoinList(items);
        public override object ToObjectValue() => items;
        public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, System.Globalization.CultureInfo cultureInfo)
        {
            writer.Write(encoder.Encode(ToStringValue()));
            return ValueTask.CompletedTask;
        }
        public override bool Equals(object? obj) => obj is FluidValue v && Equals(v);
        public override int GetHashCode() => ToStringValue().GetHashCode();
    }
}
