using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Options;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CrisisComms.Web.Features.Statements;

/// <summary>A pre-written statement: Markdown with Liquid placeholders, described by YAML front matter.</summary>
public sealed record StatementTemplate(
    string Id, StatementKind Kind, Audience Audience, string Title, string Description, string Channel,
    IReadOnlyList<string> Facts, string Body);

/// <summary>A template file that could not be read, and why.</summary>
public sealed record TemplateFileError(string File, string Message);

/// <summary>Where statement templates are read from.</summary>
public sealed class ContentOptions : ISelfValidatingOptions
{
    public static string Section => "Content";

    /// <summary>Folder of *.md templates. Empty: the repository's content/templates (or the copy beside the app).</summary>
    public string TemplatesDirectory { get; set; } = "";

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(TemplatesDirectory) && !Directory.Exists(TemplatesDirectory))
            yield return $"Content:TemplatesDirectory \"{TemplatesDirectory}\" does not exist.";
    }
}

/// <summary>
/// The template library: content/templates/*.md. Re-read when a file changes, so a comms lead can
/// improve a template without a restart. A broken file is reported, never silently skipped.
/// </summary>
public sealed class TemplateLibrary(IOptions<ContentOptions> options, IHostEnvironment env, ILogger<TemplateLibrary> logger)
{
    public static readonly string[] Channels = ["web", "email", "sms", "social", "print"];

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    private readonly Lock _gate = new();
    private (DateTime Stamp, int Count, IReadOnlyList<StatementTemplate> Templates, IReadOnlyList<TemplateFileError> Errors)? _cache;

    public string Directory { get; } = ResolveDirectory(options.Value, env);

    public IReadOnlyList<StatementTemplate> All => Load().Templates;

    public IReadOnlyList<TemplateFileError> Errors => Load().Errors;

    public StatementTemplate? Find(string id) => All.FirstOrDefault(t => string.Equals(t.Id, id?.Trim(), StringComparison.OrdinalIgnoreCase));

    private (DateTime, int, IReadOnlyList<StatementTemplate> Templates, IReadOnlyList<TemplateFileError> Errors) Load()
    {
        var files = System.IO.Directory.Exists(Directory) ? System.IO.Directory.GetFiles(Directory, "*.md") : [];
        var stamp = files.Length == 0 ? DateTime.MinValue : files.Max(File.GetLastWriteTimeUtc);
        lock (_gate)
        {
            if (_cache is { } c && c.Stamp == stamp && c.Count == files.Length) return c;
            var templates = new List<StatementTemplate>();
            var errors = new List<TemplateFileError>();
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                var (template, error) = Parse(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
                if (template is not null) templates.Add(template);
                else
                {
                    errors.Add(new TemplateFileError(Path.GetFileName(file), error!));
                    logger.LogWarning("Template {File} is not usable: {Error}", Path.GetFileName(file), error);
                }
            }
            _cache = (stamp, files.Length, templates, errors);
            return _cache.Value;
        }
    }

    /// <summary>Reads one template file; returns the template or what is wrong with it.</summary>
    public static (StatementTemplate? Template, string? Error) Parse(string id, string text)
    {
        text = text.ReplaceLineEndings("\n");
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
            return (null, "The file must start with YAML front matter between --- lines.");
        var end = text.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0) return (null, "The front matter is not closed with a --- line.");

        FrontMatter? meta;
        try
        {
            meta = Yaml.Deserialize<FrontMatter>(text[4..end]);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            return (null, $"The front matter is not valid YAML (line {e.Start.Line}): {e.Message}");
        }
        if (meta is null) return (null, "The front matter is empty.");
        if (!KebabCase.TryParse<StatementKind>(meta.Kind, out var kind))
            return (null, $"kind \"{meta.Kind}\" is not one of {KebabCase.Allowed<StatementKind>()}.");
        if (!KebabCase.TryParse<Audience>(meta.Audience, out var audience))
            return (null, $"audience \"{meta.Audience}\" is not one of {KebabCase.Allowed<Audience>()}.");
        if (string.IsNullOrWhiteSpace(meta.Title)) return (null, "title is required.");
        if (!Channels.Contains(meta.Channel)) return (null, $"channel \"{meta.Channel}\" is not one of {string.Join(", ", Channels)}.");

        var bodyStart = text.IndexOf('\n', end + 1);
        var body = bodyStart < 0 ? "" : text[(bodyStart + 1)..].TrimStart('\n');
        return (new StatementTemplate(id, kind, audience, meta.Title.Trim(), meta.Description?.Trim() ?? "", meta.Channel!,
            meta.Facts ?? [], body), null);
    }

    private static string ResolveDirectory(ContentOptions options, IHostEnvironment env)
    {
        if (!string.IsNullOrWhiteSpace(options.TemplatesDirectory)) return Path.GetFullPath(options.TemplatesDirectory);
        string[] candidates =
        [
            Path.Combine(env.ContentRootPath, "..", "..", "content", "templates"), // running from the repository
            Path.Combine(AppContext.BaseDirectory, "content", "templates"),         // the copy made at build/publish
        ];
        return Path.GetFullPath(candidates.FirstOrDefault(System.IO.Directory.Exists) ?? candidates[^1]);
    }

    private sealed class FrontMatter
    {
        public string? Kind { get; set; }
        public string? Audience { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public string? Channel { get; set; }
        public List<string>? Facts { get; set; }
    }
}
