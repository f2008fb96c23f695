namespace CrisisComms.Benchmarks;

/// <summary>
/// A Blazor app published (<c>dotnet publish -c Release</c>) into a temporary folder. Benchmarks that drive real
/// browser pages need it: in Production, an app started from its build output serves no static web assets
/// (MapStaticAssets only finds them in published output or in Development), so <c>blazor.web.js</c> would be
/// missing and no circuit would ever start. Disposing deletes the folder.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    private readonly string? _folder;

    private PublishedApp(string dll, string? folder, string how) => (Dll, _folder, How) = (dll, folder, how);

    /// <summary>The entry assembly to start with <c>dotnet</c>.</summary>
    public string Dll { get; }

    /// <summary>Where it came from, for the report.</summary>
    public string How { get; }

    /// <summary>
    /// Publishes <paramref name="project"/> (a .csproj) in Release and returns its <paramref name="assemblyName"/>.dll,
    /// or, when <paramref name="explicitDll"/> is given (--app), that file as it is (it must be published output).
    /// </summary>
    public static async Task<PublishedApp> PublishAsync(string project, string assemblyName, string? explicitDll, CancellationToken ct)
    {
        if (explicitDll is not null)
        {
            var full = Path.GetFullPath(explicitDll);
            if (!File.Exists(full)) throw new UsageException($"--app {explicitDll}: no such file.");
            return new PublishedApp(full, null, $"{full} (given with --app; must be published output)");
        }
        var folder = Directory.CreateTempSubdirectory("crisiscomms-bench-publish-").FullName;
        try
        {
            var (code, output) = await Wrk.RunToEndAsync("dotnet", ["publish", project, "-c", "Release", "-o", folder, "--nologo"], ct);
            var dll = Path.Combine(folder, assemblyName + ".dll");
            if (code != 0 || !File.Exists(dll))
                throw new InvalidOperationException($"dotnet publish {project} failed (exit code {code}):\n{(output.Length > 3000 ? output[^3000..] : output)}");
            return new PublishedApp(dll, folder, $"`dotnet publish -c Release` of {Path.GetFileName(project)} into a temporary folder");
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    public void Dispose()
    {
        if (_folder is not null) TryDelete(_folder);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { Console.Error.WriteLine($"Could not delete {folder}; remove it by hand."); }
        catch (UnauthorizedAccessException) { Console.Error.WriteLine($"Could not delete {folder}; remove it by hand."); }
    }
}
