namespace CrisisComms.Web.Components.Theme;

/// <summary>The light/dark choice, kept in a cookie (written by wwwroot/js/app.js) so it sticks across visits.</summary>
public static class ThemePreference
{
    public const string CookieName = "cc-theme";
    public const string Dark = "dark";
    public const string Light = "light";
}
