using System.Text;
using CrisisComms.Web.Features.Audit;
using CrisisComms.Web.Infrastructure.Api;
using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>
/// `dotnet run --project src/CrisisComms.Web -- create-admin you@example.com [--name "Your Name"]`:
/// the first admin on a real deployment (there are no default accounts outside Development).
/// The password is read from standard input when it is redirected, otherwise asked for without echo.
/// </summary>
public static class CreateAdminCommand
{
    public const string Name = "create-admin";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[1].StartsWith('-'))
        {
            await error.WriteLineAsync($"Usage: {Name} <email> [--name \"Display Name\"]   (password from stdin or prompt)");
            return 2;
        }
        var email = args[1];
        var nameIndex = Array.IndexOf(args, "--name");
        var displayName = nameIndex > 0 && nameIndex + 1 < args.Length ? args[nameIndex + 1] : "Administrator";

        await services.InitialiseDatabaseAsync();

        var password = ReadPassword(input, output);
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        try
        {
            await admin.CreateCoreAsync(new AuditActor(null, "system (create-admin)"),
                new CreateUserRequest { Email = email, DisplayName = displayName, Password = password, Roles = [StaffRoles.Admin] });
        }
        catch (AppValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
                await error.WriteLineAsync($"{field}: {string.Join(" ", messages)}");
            return 1;
        }
        await output.WriteLineAsync($"Admin {email} created. Sign in at /Account/Login.");
        return 0;
    }

    private static string ReadPassword(TextReader input, TextWriter output)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
            return input.ReadLine() ?? "";

        output.Write("Password: ");
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (sb.Length > 0) sb.Length--; continue; }
            sb.Append(key.KeyChar);
        }
        output.WriteLine();
        return sb.ToString();
    }
}
