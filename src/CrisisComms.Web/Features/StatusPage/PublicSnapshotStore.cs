using System.Text.Json;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Web.Features.StatusPage;

/// <summary>Every public route as it was last rendered, with when and for which base address.</summary>
public sealed record PublicSnapshot(DateTimeOffset GeneratedAt, DateTimeOffset UpdatedAt, string Version, string BaseUrl, Dictionary<string, PublicResponse> Entries);

/// <summary>
/// The last published state of the public site, kept in memory and in the data folder
/// (<c>public-snapshot.json</c>), so the status page stays up when the database does not — even across
/// a restart. Written atomically: a temporary file beside it, flushed, then renamed over it.
/// </summary>
public sealed class PublicSnapshotStore(DataPaths paths, ILogger<PublicSnapshotStore> logger)
{
    /// <summary>Stands in for the public address in a snapshot rendered without StatusPage:PublicUrl; replaced per request.</summary>
    public const string BaseUrlPlaceholder = "https://public-base.invalid";

    private readonly Lock _gate = new();
    private PublicSnapshot? _current;
    private bool _readFromDisk;

    public string FilePath => Path.Combine(paths.Root, "public-snapshot.json");

    /// <summary>The latest snapshot (read from disk the first time, e.g. after a restart while the database is down).</summary>
    public PublicSnapshot? Current
    {
        get
        {
            lock (_gate)
            {
                if (_current is null && !_readFromDisk)
                {
                    _readFromDisk = true;
                    _current = TryRead();
                }
                return _current;
            }
        }
    }

    public async Task WriteAsync(PublicSnapshot snapshot, CancellationToken ct = default)
    {
        Directory.CreateDirectory(paths.Root);
        var temp = FilePath + "." + Guid.NewGuid().ToString("n") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, snapshot, JsonSerializerOptions.Web, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, FilePath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        lock (_gate)
        {
            _current = snapshot;
            _readFromDisk = true;
        }
    }

    /// <summary>The stored response for a route, with links pointing at <paramref name="baseUrl"/>.</summary>
    public static PublicResponse? Find(PublicSnapshot snapshot, string key, string baseUrl)
    {
        if (!snapshot.Entries.TryGetValue(key, out var entry) && !snapshot.Entries.TryGetValue(PublicSiteRenderer.NotFoundKey, out entry))
            return null;
        return snapshot.BaseUrl == BaseUrlPlaceholder ? entry with { Body = entry.Body.Replace(BaseUrlPlaceholder, baseUrl, StringComparison.Ordinal) } : entry;
    }

    private PublicSnapshot? TryRead()
    {
        try
        {
            if (!File.Exists(FilePath)) return null;
            using var stream = File.OpenRead(FilePath);
            return JsonSerializer.Deserialize<PublicSnapshot>(stream, JsonSerializerOptions.Web);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogError(e, "The public snapshot {File} could not be read", FilePath);
            return null;
        }
    }
}
