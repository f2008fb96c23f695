using System.Net;
using System.Text.Json;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>The admin diagnostics: what a crowd costs the database, open circuits, managed memory — admins only.</summary>
public sealed class DiagnosticsApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task An_admin_sees_database_commands_by_category_circuits_and_memory_and_public_requests_count_as_public()
    {
        using var admin = await app.ClientForAsync("admin@demo.local");
        using var anonymous = app.CreateRawClient();
        await anonymous.GetStringAsync("/incidents/customer-data-breach?first=" + Guid.NewGuid());

        var body = await admin.GetFromJsonAsync<JsonElement>("/api/staff/v1/diagnostics?collect=true");

        Assert.True(body.GetProperty("databaseCommands").GetProperty("total").GetInt64() > 0);
        Assert.True(body.GetProperty("databaseCommands").GetProperty("public").GetInt64() >= 1);
        Assert.True(body.GetProperty("circuits").GetProperty("open").GetInt32() >= 0);
        Assert.True(body.GetProperty("managedBytes").GetInt64() > 1_000_000);
    }

    [Theory]
    [InlineData("author@demo.local", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Nobody_but_an_admin_may_read_them(string? email, HttpStatusCode expected)
    {
        using var client = email is null ? app.CreateRawClient() : await app.ClientForAsync(email);
        Assert.Equal(expected, (await client.GetAsync("/api/staff/v1/diagnostics")).StatusCode);
    }
}
