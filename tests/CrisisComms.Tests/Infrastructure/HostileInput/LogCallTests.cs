using System.Text.RegularExpressions;

namespace CrisisComms.Tests.Infrastructure.HostileInput;

/// <summary>
/// What people type reaches the logs only as structured parameters: a message template built by interpolation or
/// concatenation would let a CR/LF in a title forge a log line (and defeats log search by template).
/// </summary>
public sealed partial class LogCallTests
{
    [Fact]
    public void No_log_call_builds_its_message_or_a_parameter_from_pieces()
    {
        var source = Path.Combine(RepoPaths.Root, "src", "CrisisComms.Web");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains("Migrations"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(source, f), Line: i + 1, Text: line)))
            .Where(l => LogCall().IsMatch(l.Text) && (Interpolated().IsMatch(l.Text) || Concatenated().IsMatch(l.Text)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Log calls must use message templates with parameters:\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)?\(")]
    private static partial Regex LogCall();

    [GeneratedRegex(@"\.Log\w*\([^;]*\$""")]
    private static partial Regex Interpolated();

    [GeneratedRegex(@"\.Log\w*\([^;]*(""\s*\+|\+\s*"")")]
    private static partial Regex Concatenated();
}
