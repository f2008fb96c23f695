namespace CrisisComms.Web.Components.Layout;

/// <summary>
/// What the staff shell needs from above it, per circuit (scoped): the theme the page was first served in and
/// the routed page's type. Passed this way rather than through two <c>CascadingValue</c> components: every
/// component instance costs a circuit ~3 KB (two render-tree frame arrays) for as long as it is open.
/// </summary>
public sealed class StaffShellState
{
    /// <summary>The theme choice from the request's cookie (<see cref="Routes"/>); the layout's toggle starts from it.</summary>
    public bool InitialDarkMode { get; set; }

    /// <summary>The page being shown, set by the router's Found template (<see cref="Routes"/>), which runs before the layout renders.</summary>
    public Type? PageType { get; set; }
}
