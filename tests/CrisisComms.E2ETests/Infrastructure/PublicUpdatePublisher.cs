using System.Text.Json;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>
/// Puts public updates out through the staff API the way the comms team would: the author drafts a
/// holding statement (public audience) and submits it, the reviewer approves it (a holding statement
/// needs only the Reviewer under the default sign-off policy), the author publishes it now.
/// </summary>
public sealed class PublicUpdatePublisher : IDisposable
{
    private readonly AppServer _app;
    private readonly StaffApiClient _author;
    private readonly StaffApiClient _reviewer;

    private PublicUpdatePublisher(AppServer app, StaffApiClient author, StaffApiClient reviewer) =>
        (_app, _author, _reviewer) = (app, author, reviewer);

    public static async Task<PublicUpdatePublisher> SignInAsync(AppServer app)
    {
        var author = await StaffApiClient.SignInAsync(app, "author@demo.local");
        try
        {
            return new PublicUpdatePublisher(app, author, await StaffApiClient.SignInAsync(app, "reviewer@demo.local"));
        }
        catch
        {
            author.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _author.Dispose();
        _reviewer.Dispose();
    }

    /// <summary>
    /// Drafts, signs off and approves a statement on <paramref name="incident"/>, then publishes it now.
    /// Returns as soon as the publish call has returned, so a caller can time what follows from there.
    /// </summary>
    public async Task PublishAsync(string incident, string title, string body)
    {
        var id = await PrepareAsync(incident, title, body);
        await _author.PublishNowAsync(id);
    }

    /// <summary>Everything before the publication: an approved statement, ready for <see cref="PublishPreparedAsync"/>.</summary>
    public async Task<Guid> PrepareAsync(string incident, string title, string body)
    {
        var id = await _author.CreateStatementAsync(incident, "holding-statement", "public", title, body);
        await _author.SubmitForSignOffAsync(id);
        await _reviewer.ApproveAsync(id);
        return id;
    }

    /// <summary>Publishes a statement <see cref="PrepareAsync"/> made ready.</summary>
    public Task PublishPreparedAsync(Guid statementId) => _author.PublishNowAsync(statementId);

    /// <summary>How many updates the public JSON API lists for the incident with this slug.</summary>
    public async Task<int> PublicUpdateCountAsync(string slug)
    {
        using var client = _app.CreateApiClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("api/v2/incidents.json"));
        var incident = document.RootElement.GetProperty("incidents").EnumerateArray()
            .Single(i => i.GetProperty("shortlink").GetString()?.EndsWith("/incidents/" + slug, StringComparison.Ordinal) == true);
        return incident.GetProperty("incident_updates").GetArrayLength();
    }

    /// <summary>Publishes numbered updates until the incident has at least <paramref name="count"/> public updates.</summary>
    public async Task EnsurePublicUpdatesAsync(string slug, int count)
    {
        for (var n = await PublicUpdateCountAsync(slug); n < count; n++)
            await PublishAsync(slug, $"Update {n + 1} on the investigation",
                $"Update {n + 1}. Our investigation continues with the help of external specialists and the police. " +
                "We will contact every affected customer directly by email. We will never ask for your password or card details.");
    }
}
