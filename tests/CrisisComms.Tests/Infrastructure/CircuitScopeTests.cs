using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>
/// No interactive component keeps a DbContext for the life of its circuit. One shared by a page's components and its
/// live refreshes fails on PostgreSQL whenever two of them overlap (a Save while a change arrives), and holds every
/// entity it ever tracked until the tab closes.
/// </summary>
public sealed class CircuitScopeTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void Nothing_an_interactive_component_injects_resolves_a_DbContext_from_the_circuit()
    {
        app.CreateRawClient().Dispose(); // start the app
        using var circuit = CircuitScope.Create(app);
        var components = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract && !t.IsGenericTypeDefinition)
            // Static server-rendered pages (sign-in, public pages) run in the request's scope, which ends with the request.
            .Where(t => t.GetCustomAttribute<ExcludeFromInteractiveRoutingAttribute>() is null)
            .ToList();
        Assert.Contains(components, t => t.Name == "StatementEditor"); // the scan does see the pages

        var refused = new List<string>();
        foreach (var component in components)
            foreach (var property in InjectedProperties(component).Where(p => IsAppService(p.PropertyType)))
            {
                try
                {
                    circuit.ServiceProvider.GetService(property.PropertyType);
                }
                catch (InvalidOperationException e) when (e.Message.Contains(CircuitScope.Refusal, StringComparison.Ordinal))
                {
                    refused.Add($"{component.Name}.{property.Name} ({property.PropertyType.Name})");
                }
            }

        Assert.True(refused.Count == 0, "These would hold a DbContext for the circuit's lifetime:\n" + string.Join("\n", refused));
    }

    [Fact]
    public void The_guard_itself_refuses_a_DbContext_service_in_a_circuit_but_not_in_an_ordinary_scope()
    {
        app.CreateRawClient().Dispose();
        using (var circuit = CircuitScope.Create(app))
        {
            var e = Assert.Throws<InvalidOperationException>(() => circuit.ServiceProvider.GetRequiredService<CrisisComms.Web.Features.Incidents.IncidentService>());
            Assert.Contains(CircuitScope.Refusal, e.Message);
        }
        using var request = app.Services.CreateScope();
        Assert.NotNull(request.ServiceProvider.GetRequiredService<CrisisComms.Web.Features.Incidents.IncidentService>());
    }

    /// <summary>
    /// The app's own services (and generics over them: PerOperation&lt;T&gt;, IEnumerable&lt;INavBadge&gt;). Framework and
    /// MudBlazor services hold no DbContext, and some (NavigationManager) cannot even be made outside a real circuit.
    /// </summary>
    private static bool IsAppService(Type type) =>
        type.Assembly == typeof(Program).Assembly || (type.IsGenericType && type.GetGenericArguments().Any(IsAppService));

    /// <summary>[Inject] properties (what @inject compiles to), including private ones of base classes.</summary>
    private static IEnumerable<PropertyInfo> InjectedProperties(Type type)
    {
        for (var t = type; t is not null && t != typeof(ComponentBase); t = t.BaseType)
            foreach (var p in t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (p.GetCustomAttribute<InjectAttribute>() is not null) yield return p;
    }
}
