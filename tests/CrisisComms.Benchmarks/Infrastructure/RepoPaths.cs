using System.Reflection;

namespace CrisisComms.Benchmarks;

/// <summary>Finding the repository and the app's build output.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding CrisisComms.sln, looked for upwards from the current directory and from this program.</summary>
    public static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CrisisComms.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Could not find CrisisComms.sln above the current directory or the benchmark program; run from inside the repository.");
    }

    /// <summary>
    /// The app to start: <paramref name="explicitPath"/> when given; else the build of src/CrisisComms.Web in this
    /// program's own configuration (the project reference builds it with this program, so <c>dotnet run -c Release</c>
    /// always starts a fresh Release build); else the newer of its Release and Debug builds.
    /// </summary>
    public static string FindAppDll(string repoRoot, string? explicitPath)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            if (!File.Exists(full)) throw new UsageException($"--app {explicitPath}: no such file.");
            return full;
        }
        string Build(string configuration) => Path.Combine(repoRoot, "src", "CrisisComms.Web", "bin", configuration, "net10.0", "CrisisComms.Web.dll");
        var own = typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        if (own is not null && File.Exists(Build(own))) return Build(own);
        var candidates = new[] { "Release", "Debug" }
            .Select(Build)
            .Where(File.Exists)
            .Select(p => (Path: p, Written: File.GetLastWriteTimeUtc(p)))
            .ToList();
        if (candidates.Count == 0)
            throw new InvalidOperationException("The app is not built. Run: dotnet build -c Release src/CrisisComms.Web (or pass --app <path to CrisisComms.Web.dll>).");
        // Release first, so on equal times it is kept by the stable ordering.
        return candidates.OrderByDescending(c => c.Written).First().Path;
    }

    /// <summary>Creates the results folder with a .gitignore that keeps its contents out of git.</summary>
    public static void EnsureResultsDirectory(string path)
    {
        Directory.CreateDirectory(path);
        var ignore = Path.Combine(path, ".gitignore");
        if (!File.Exists(ignore)) File.WriteAllText(ignore, "*\n!.gitignore\n");
    }
}
