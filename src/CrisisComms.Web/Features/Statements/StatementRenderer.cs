using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using Ganss.Xss;
using Markdig;

namespace CrisisComms.Web.Features.Statements;

/// <summary>A problem in a template or statement, with where it is.</summary>
public sealed record RenderProblem(string Field, int? Line, string Message)
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
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public RenderOutcome Render(string titleSource, string bodySource, LiquidModel model)
    {
        var used = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<RenderProblem>();
        var title = RenderLiquid("title", titleSource, model, used, problems)?.Trim();
        var markdown = RenderLiquid("body", bodySource, model, used, problems);
        if (problems.Count > 0 || title is null || markdown is null) return new RenderOutcome(null, problems);

        var html = MarkdownToSafeHtml(markdown);
        var safeTitle = title.ReplaceLineEndings(" ");
        return new RenderOutcome(new RenderedStatement(safeTitle, markdown, html, Hash(safeTitle, html), used), []);
    }

    /// <summary>Markdig with raw HTML off, then the sanitiser. Public so the XSS corpus can test this stage alone.</summary>
    public string MarkdownToSafeHtml(string markdown) => _sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Markdown));

    /// <summary>SHA-256 over exactly what is published: the title and the HTML.</summary>
    public static string Hash(string title, string html) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("title:" + title + "\nhtml:" + html)));

    private static string? RenderLiquid(string field, string source, LiquidModel model, IDictionary<string, string> used, List<RenderProblem> problems)
    {
        if (!Parser.TryParse(source ?? "", out var template, out var error))
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
            return template.Render(context, NullEncoder.Default);
        }
        catch (PlaceholderException e)
        {
            problems.Add(new RenderProblem(field, LineOf(source!, e.Name), e.Message));
        }
        catch (FluidException e)
        {
            var name = UndefinedName().Match(e.Message);
            problems.Add(name.Success
                ? new RenderProblem(field, LineOf(source!, name.Groups[1].Value), $"\"{name.Groups[1].Value}\" is not a placeholder. Use org.*, incident.* or facts.* (see the list of facts).")
                : new RenderProblem(field, null, FirstLine(e.Message)));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or DivideByZeroException or NullReferenceException or IndexOutOfRangeException)
        {
            problems.Add(new RenderProblem(field, null, "The template could not be rendered: " + FirstLine(e.Message)));
        }
        return null;
    }

    private static FluidValue? Known(string? value) => value is null ? null : new StringValue(value);

    private static int? LineOf(string source, string name)
    {
        var match = Regex.Match(source, @"\{[{%][^}]*?\b" + Regex.Escape(name.Split('.')[^1]) + @"\b");
        return match.Success ? source.AsSpan(0, match.Index).Count('\n') + 1 : null;
    }

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
