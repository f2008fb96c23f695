using CrisisComms.Web.Infrastructure.Data;

namespace CrisisComms.Web.Features.Audit;

/// <summary>`dotnet run --project src/CrisisComms.Web -- verify-audit`: checks the chain; exit 0 intact, 1 broken.</summary>
public static class VerifyAuditCommand
{
    public const string Name = "verify-audit";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        await services.InitialiseDatabaseAsync();
        await using var scope = services.CreateAsyncScope();
        var result = await AuditChain.VerifyAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>());
        await output.WriteLineAsync(result.Ok
            ? $"OK: {result.Message}"
            : $"BROKEN at entry {result.FirstBrokenSeq}: {result.Message} ({result.Entries} entries read)");
        return result.Ok ? 0 : 1;
    }
}
