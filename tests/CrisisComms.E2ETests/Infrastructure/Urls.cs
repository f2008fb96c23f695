using System.Text.RegularExpressions;

namespace CrisisComms.E2ETests.Infrastructure;

/// <summary>URL patterns the tests assert on (the path part; query strings as noted).</summary>
public static partial class Urls
{
    /// <summary>Exactly the dashboard home (no sub-page, no query).</summary>
    [GeneratedRegex(@"^https?://[^/]+/dashboard/?$")]
    public static partial Regex Dashboard { get; }

    /// <summary>The login page, with or without a query.</summary>
    [GeneratedRegex(@"^https?://[^/]+/Account/Login/?(\?.*)?$")]
    public static partial Regex Login { get; }

    /// <summary>The login page asked to return to <paramref name="returnPath"/> afterwards (ReturnUrl escaped like the app does).</summary>
    public static Regex LoginReturningTo(string returnPath) =>
        new($@"^https?://[^/]+/Account/Login\?ReturnUrl={Regex.Escape(Uri.EscapeDataString(returnPath))}$", RegexOptions.IgnoreCase);

    /// <summary>Exactly the given path (no query), e.g. "/dashboard/profile".</summary>
    public static Regex Path(string path) => new($@"^https?://[^/]+{Regex.Escape(path)}/?$");
}
