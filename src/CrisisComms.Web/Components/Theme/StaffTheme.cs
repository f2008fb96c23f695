using MudBlazor;

namespace CrisisComms.Web.Components.Theme;

/// <summary>The staff UI's colours: calm, high-contrast, no web fonts (works offline and loads fast).</summary>
public static class StaffTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1b4d89",
            Secondary = "#8a2b2b",
            AppbarBackground = "#16324f",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb2ff",
            Secondary = "#ff9d9d",
        },
    };
}
