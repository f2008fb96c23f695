using Microsoft.AspNetCore.Components;

namespace CrisisComms.Web.Features.Accounts;

/// <summary>Redirects from the static account pages, refusing anything that would leave this site.</summary>
internal sealed class IdentityRedirectManager(NavigationManager navigation)
{
    public const string DefaultTarget = "/dashboard";

    /// <summary>"/dashboard/x?y" stays; "https://evil.example", "//evil.example", "/\\evil" become the dashboard.</summary>
    public static string SafeLocal(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl)) return DefaultTarget;
        if (returnUrl[0] != '/' || returnUrl.StartsWith("//", StringComparison.Ordinal) || returnUrl.StartsWith("/\\", StringComparison.Ordinal))
            return DefaultTarget;
        if (!Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) || returnUrl.StartsWith("/Account/", StringComparison.OrdinalIgnoreCase))
            return DefaultTarget;
        return returnUrl;
    }

    public void RedirectTo(string? uri) => navigation.NavigateTo(SafeLocal(uri));

    public void RedirectTo(string path, Dictionary<string, object?> query) =>
        navigation.NavigateTo(navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(path).GetLeftPart(UriPartial.Path), query));
}
