using System.Diagnostics;

namespace CrisisComms.Tests.ScaleOut;

/// <summary>
/// The console output of a child process, drained all the time (a full pipe would stall the process) and kept,
/// bounded, for failure messages. Lines are prefixed with the process's name, so two instances' logs read apart.
/// </summary>
internal sealed class ProcessLog(string name, int keptLines = 2000)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();
    private int _dropped;

    public string Name { get; } = name;

    /// <summary>Starts reading the process's stdout and stderr into this log (the process must redirect both).</summary>
    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Add("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > keptLines)
            {
                _lines.Dequeue();
                _dropped++;
            }
        }
    }

    /// <summary>A marker from the test, so the process's lines read next to what the test did.</summary>
    public void Note(string text) => Add($"==== test {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}: {text}");

    /// <summary>Every kept line, in order (test markers included).</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_lock) return [.. _lines];
    }

    public bool Contains(string text)
    {
        lock (_lock) return _lines.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The last <paramref name="lines"/> lines under a heading naming the process.</summary>
    public string Tail(int lines = 150)
    {
        lock (_lock)
        {
            var skipped = Math.Max(0, _lines.Count - lines) + _dropped;
            return $"---- {Name}: last {Math.Min(lines, _lines.Count)} log lines{(skipped > 0 ? $" ({skipped} earlier left out)" : "")} ----\n"
                + string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines))) + $"\n---- end of {Name} ----";
        }
    }
}
