using DiffPlex;
using DiffPlex.Chunkers;

namespace CrisisComms.Web.Features.Statements;

public enum DiffKind { Equal, Inserted, Deleted }

/// <summary>A run of text that is the same, added or removed.</summary>
public sealed record DiffSegment(DiffKind Kind, string Text);

/// <summary>Word-level differences between two texts (DiffPlex), for showing what changed between revisions.</summary>
public static class RevisionDiff
{
    public static IReadOnlyList<DiffSegment> Words(string oldText, string newText)
    {
        var result = Differ.Instance.CreateDiffs(oldText ?? "", newText ?? "", ignoreWhiteSpace: false, ignoreCase: false, WordChunker.Instance);
        var segments = new List<DiffSegment>();
        var a = 0;
        var b = 0;
        foreach (var block in result.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++) Add(segments, DiffKind.Equal, result.PiecesOld[a]);
            for (var i = 0; i < block.DeleteCountA; i++) Add(segments, DiffKind.Deleted, result.PiecesOld[a + i]);
            for (var i = 0; i < block.InsertCountB; i++) Add(segments, DiffKind.Inserted, result.PiecesNew[block.InsertStartB + i]);
            a += block.DeleteCountA;
            b = block.InsertStartB + block.InsertCountB;
        }
        for (; a < result.PiecesOld.Count; a++) Add(segments, DiffKind.Equal, result.PiecesOld[a]);
        return segments;
    }

    public static bool HasChanges(IEnumerable<DiffSegment> segments) => segments.Any(s => s.Kind != DiffKind.Equal);

    private static void Add(List<DiffSegment> segments, DiffKind kind, string text)
    {
        if (text.Length == 0) return;
        if (segments.Count > 0 && segments[^1].Kind == kind)
            segments[^1] = segments[^1] with { Text = segments[^1].Text + text };
        else
            segments.Add(new DiffSegment(kind, text));
    }
}
