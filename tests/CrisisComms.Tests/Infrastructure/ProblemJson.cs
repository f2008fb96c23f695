using System.Net.Http.Json;
using System.Text.Json;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>Reads an RFC 9457 problem-details response.</summary>
public sealed record ProblemJson(int Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors, JsonElement? LockedUntil)
{
    public static async Task<ProblemJson> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ProblemJson>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }
}
