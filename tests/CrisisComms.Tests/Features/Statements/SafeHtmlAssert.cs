using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// Parses published HTML the way a browser would (AngleSharp, an HTML5 parser) and fails if anything
/// could run script, load content, restyle the page or link to a dangerous scheme.
/// </summary>
internal static partial class SafeHtmlAssert
{
    /// <summary>Where statements are published; relative links are resolved against it.</summary>
    private static readonly Uri PageAddress = new("https://status.example.org/incidents/outage/");

    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    /// <summary>Named explicitly so a failure says which dangerous element got through.</summary>
    private static readonly string[] ForbiddenElements =
    [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "textarea",
        "select", "svg", "math", "style", "link", "meta", "base", "img", "image", "video", "audio", "source",
        "noscript", "template", "title", "xmp", "plaintext", "noembed", "noframes", "portal", "marquee", "isindex",
    ];

    /// <summary>What the renderer's sanitiser allows (StatementRenderer.CreateSanitizer), plus the parser's own wrappers.</summary>
    private static readonly HashSet<string> AllowedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "html", "head", "body",
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
        "blockquote", "ul", "ol", "li", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
    };

    private static readonly HashSet<string> AllowedAttributes = new(StringComparer.OrdinalIgnoreCase) { "href", "title", "start" };

    private static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset", "lowsrc", "dynsrc",
    };

    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static void Safe(string html, string because)
    {
        var document = Parse(html);

        // <meta>, <base>, <link>, <title> and <style> would be hoisted into <head> by the parser.
        Assert.True(document.Head!.ChildNodes.Length == 0, $"{because}: something reached <head>: {document.Head.InnerHtml}\nHTML: {html}");

        foreach (var element in document.All)
        {
            var name = element.LocalName;
            Assert.False(ForbiddenElements.Contains(name, StringComparer.OrdinalIgnoreCase), $"{because}: forbidden <{name}> in HTML: {html}");
            Assert.True(AllowedElements.Contains(name), $"{because}: unexpected <{name}> in HTML: {html}");

            foreach (var attribute in element.Attributes)
            {
                var attributeName = attribute.Name;
                Assert.False(attributeName.StartsWith("on", StringComparison.OrdinalIgnoreCase),
                    $"{because}: event handler {attributeName}=\"{attribute.Value}\" on <{name}> in HTML: {html}");
                Assert.False(string.Equals(attributeName, "style", StringComparison.OrdinalIgnoreCase),
                    $"{because}: style attribute on <{name}> in HTML: {html}");
                Assert.True(AllowedAttributes.Contains(attributeName),
                    $"{because}: unexpected attribute {attributeName}=\"{attribute.Value}\" on <{name}> in HTML: {html}");
                if (UrlAttributes.Contains(attributeName)) SafeUrl(attribute.Value, $"{because}: {attributeName} on <{name}> in HTML: {html}");
            }
        }
    }

    /// <summary>
    /// A URL as a browser reads it (the attribute value is already entity-decoded by the parser): leading and
    /// trailing C0 controls and spaces are ignored, tabs and newlines anywhere are dropped, then any scheme
    /// must be http, https or mailto; a relative URL must resolve to one of those against the page address.
    /// </summary>
    public static void SafeUrl(string value, string because)
    {
        var url = BrowserStripped().Replace(value.Trim(C0AndSpace), "");

        var scheme = SchemePrefix().Match(url);
        if (scheme.Success)
        {
            Assert.True(SafeSchemes.Contains(scheme.Groups[1].Value.ToLowerInvariant()), $"{because}: scheme \"{scheme.Groups[1].Value}\" in \"{value}\"");
            return; // an http(s)/mailto URL that is malformed goes nowhere, which is harmless
        }

        // No scheme: relative to the page, so it must resolve to the page's own scheme.
        Assert.True(Uri.TryCreate(PageAddress, url, out var resolved), $"{because}: relative \"{value}\" does not resolve against the page");
        Assert.True(SafeSchemes.Contains(resolved.Scheme), $"{because}: \"{value}\" resolves to scheme {resolved.Scheme}");
    }

    private static readonly char[] C0AndSpace = [.. Enumerable.Range(0, 0x21).Select(i => (char)i)];

    [GeneratedRegex(@"[\t\n\r]")]
    private static partial Regex BrowserStripped();

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex SchemePrefix();
}
