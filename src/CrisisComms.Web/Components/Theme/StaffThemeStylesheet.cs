using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace CrisisComms.Web.Components.Theme;

/// <summary>
/// The staff theme's CSS (MudBlazor's palette, typography and layout variables), light and dark, rendered once
/// per process from <see cref="StaffTheme"/> and served as two cacheable stylesheets.
/// A <c>MudThemeProvider</c> inside every circuit would keep this ~12,000-character style text in its render
/// tree twice (current and previous frames), about 50 KB per connected staff page, for text that is the
/// same for everyone. Switching light/dark swaps the stylesheet link (wwwroot/js/app.js).
/// </summary>
public sealed partial class StaffThemeStylesheet(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    public const string LightPath = "/css/theme-light.css";
    public const string DarkPath = "/css/theme-dark.css";

    private readonly Lazy<Task<ThemeCss>> _light = new(() => RenderAsync(scopes, loggers, dark: false));
    private readonly Lazy<Task<ThemeCss>> _dark = new(() => RenderAsync(scopes, loggers, dark: true));

    public Task<ThemeCss> GetAsync(bool dark) => (dark ? _dark : _light).Value;

    /// <summary>The address of the light or dark stylesheet, with its version so browsers may cache it for good.</summary>
    public async Task<string> UrlAsync(bool dark) =>
        $"{(dark ? DarkPath : LightPath).TrimStart('/')}?v={(await GetAsync(dark)).Version}";

    private static async Task<ThemeCss> RenderAsync(IServiceScopeFactory scopes, ILoggerFactory loggers, bool dark)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var html = new HtmlRenderer(scope.ServiceProvider, loggers);
        var markup = await html.Dispatcher.InvokeAsync(async () =>
        {
            var output = await html.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = StaffTheme.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
                [nameof(MudThemeProvider.ObserveSystemDarkModeChange)] = false,
            }));
            return output.ToHtmlString();
        });
        var css = string.Join("\n", StyleElement().Matches(markup).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value.Trim())));
        if (css.Length == 0) throw new InvalidOperationException("MudThemeProvider rendered no <style> element; the staff theme would be missing.");
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(css)))[..16];
        return new ThemeCss(css, version);
    }

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();
}

/// <summary>One variant of the staff theme's CSS and a short hash of it.</summary>
public sealed record ThemeCss(string Css, string Version);
