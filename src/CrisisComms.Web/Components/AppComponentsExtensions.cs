using CrisisComms.Web.Components.Theme;
using MudBlazor.Services;

namespace CrisisComms.Web.Components;

public static class AppComponentsExtensions
{
    /// <summary>Razor components (staff pages interactive on the server, public and account pages static) and MudBlazor.</summary>
    public static IServiceCollection AddAppComponents(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<StaffThemeStylesheet>();
        services.AddScoped<Layout.StaffShellState>();
        return services;
    }

    public static IEndpointRouteBuilder MapAppComponents(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapThemeStylesheets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
