using System.Net;
using CrisisComms.Tests.Infrastructure;
using CrisisComms.Web.Features.Accounts;

namespace CrisisComms.Tests.Features.Accounts;

/// <summary>The first admin on a deployment without demo data.</summary>
public sealed class CreateAdminCommandTests : IDisposable
{
    private readonly AppFactory _app = AppFactory.With(new Dictionary<string, string?> { ["Seed:DemoData"] = "false" });

    [Fact]
    public async Task Without_demo_data_there_is_no_account_until_create_admin_makes_one_that_can_sign_in()
    {
        using var anon = _app.CreateRawClient();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anon.PostAsJsonAsync("/api/staff/v1/auth/token", new { email = "admin@demo.local", password = AppFactory.DemoPassword })).StatusCode);

        var output = new StringWriter();
        var code = await CreateAdminCommand.RunAsync(_app.Services, ["create-admin", "ops@example.com", "--name", "Ops Lead"],
            new StringReader("Very-Strong-Pass-42\n"), output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Contains("Admin ops@example.com created", output.ToString());
        Assert.DoesNotContain("Very-Strong-Pass-42", output.ToString());
        using var admin = await _app.ClientForAsync("ops@example.com", "Very-Strong-Pass-42");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/staff/v1/users")).StatusCode);
    }

    [Theory]
    [InlineData("not-an-email", "Very-Strong-Pass-42", "email: \"not-an-email\" is not a valid email address.")]
    [InlineData("ops2@example.com", "weak", "password:")]
    [InlineData("ops3@example.com", "", "password: Password is required.")]
    public async Task Bad_input_exits_1_with_the_reason_and_creates_nothing(string email, string password, string expected)
    {
        var error = new StringWriter();
        var code = await CreateAdminCommand.RunAsync(_app.Services, ["create-admin", email], new StringReader(password + "\n"), new StringWriter(), error);

        Assert.Equal(1, code);
        Assert.Contains(expected, error.ToString());
        Assert.Equal(0, await _app.WithScopeAsync(sp => sp.GetRequiredService<CrisisComms.Web.Infrastructure.Data.AppDbContext>().Users.CountAsync()));
    }

    [Fact]
    public async Task Missing_email_prints_usage_and_exits_2()
    {
        var error = new StringWriter();
        Assert.Equal(2, await CreateAdminCommand.RunAsync(_app.Services, ["create-admin"], new StringReader(""), new StringWriter(), error));
        Assert.Contains("Usage: create-admin <email>", error.ToString());
    }

    public void Dispose() => _app.Dispose();
}
