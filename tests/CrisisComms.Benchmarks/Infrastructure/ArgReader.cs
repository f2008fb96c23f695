using System.Globalization;

namespace CrisisComms.Benchmarks;

/// <summary>
/// A tiny option reader: <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c>.
/// Benchmarks read what they know, then call <see cref="EnsureAllUsed"/> so a typo is an error, not a silent default.
/// </summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public ArgReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith('-')) throw new UsageException($"Unexpected argument \"{a}\"; options look like --name value.");
            var name = a.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            _values[name] = value;
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var v)) return false;
        return v is null || !bool.TryParse(v, out var b) || b;
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v ?? throw new UsageException($"--{name} needs a value.") : null;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, not \"{text}\".");
        return v;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"--{name} must be a number from {min} to {max}, not \"{text}\".");
        return v;
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}. Try --help.");
    }
}
