using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisComms.Web.Infrastructure.Options;

namespace CrisisComms.Web.Features.Statements;

public static class StatementsExtensions
{
    public static IServiceCollection AddStatements(this IServiceCollection services)
    {
        services.AddValidatedOptions<ContentOptions>();
        services.AddSingleton<TemplateLibrary>();
        services.AddSingleton<StatementRenderer>();
        services.AddValidatedOptions<RenderingOptions>();
        services.AddSingleton<RenderGate>();
        services.AddScoped<StatementService>();
        // Enumerations travel as kebab-case strings ("ceo-apology", "in-review").
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower)));
        return services;
    }

    public static IEndpointRouteBuilder MapStatements(this IEndpointRouteBuilder app)
    {
        app.MapStatementsApi();
        return app;
    }
}
