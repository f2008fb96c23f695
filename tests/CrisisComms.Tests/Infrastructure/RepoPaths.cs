namespace CrisisComms.Tests.Infrastructure;

/// <summary>Finds files of the repository (content/, appsettings.example.json) from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CrisisComms.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CrisisComms.sln not found above " + AppContext.BaseDirectory);
    }
}
