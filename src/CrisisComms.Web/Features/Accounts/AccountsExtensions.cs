using System.Threading.RateLimiting;
using CrisisComms.Web.Infrastructure.Data;
using CrisisComms.Web.Infrastructure.Options;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Features.Accounts;

public static class AccountsExtensions
{
    /// <summary>Selects the bearer handler for "Authorization: Bearer …" and the Identity cookie otherwise.</summary>
    public const string StaffScheme = "Staff";

    private static readonly string[] SignInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/api/staff/v1/auth/token"];

    /// <summary>Identity with EF stores, cookie + bearer sign-in, lockout, login rate limit, and the account services.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuthOptions>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = StaffScheme;
                o.DefaultChallengeScheme = StaffScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(StaffScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.Events.OnMessageReceived = StaffSessionValidation.ValidateBearerAsync)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Cookie.Name = "CrisisComms.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // APIs answer 401/403; only pages are redirected to the login form.
            o.Events.OnRedirectToLogin = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status401Unauthorized, () => ctx.Response.Redirect(ctx.RedirectUri));
            o.Events.OnValidatePrincipal = StaffSessionValidation.ValidateCookieAsync;
            o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status403Forbidden, () => ctx.Response.Redirect(ctx.RedirectUri));
        });

        services.AddIdentityCore<ApplicationUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddDefaultTokenProviders();

        services.AddOptions<IdentityOptions>().Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.SignIn.RequireConfirmedAccount = false;
            o.User.RequireUniqueEmail = true;
            o.Password.RequiredLength = 12;
            o.Lockout.AllowedForNewUsers = true;
            o.Lockout.MaxFailedAccessAttempts = auth.Value.MaxFailedAccessAttempts;
            o.Lockout.DefaultLockoutTimeSpan = auth.Value.LockoutDuration;
        });

        services.AddHttpContextAccessor();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, StaffAuthenticationStateProvider>();
        services.AddScoped<StaffPrincipalRefresher>();
        services.AddScoped<StaffAuthorizer>();
        services.AddScoped<StaffSignInService>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<TwoFactorService>();
        services.AddScoped<RoleSeeder>();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<IdentityRedirectManager>();

        services.AddAuthorization();
        services.AddLoginRateLimit();
        return services;
    }

    /// <summary>
    /// Sign-in attempts (login form, two-factor step and token endpoint together) are limited per client address. What
    /// counts is the endpoint the request reaches (marked with <see cref="SignInEndpointAttribute"/>), not how its path
    /// is spelt: "/account/login/", "/Account/%4Cogin" and "//Account//Login" spend the same budget as "/Account/Login".
    /// A path that routing sends elsewhere but that normalises to a sign-in path counts too.
    /// </summary>
    private static void AddLoginRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (!HttpMethods.IsPost(ctx.Request.Method) || !IsSignInRequest(ctx))
                    return RateLimitPartition.GetNoLimiter("none");
                var limit = ctx.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.LoginRateLimit;
                return RateLimitPartition.GetFixedWindowLimiter(
                    "login:" + (ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var http = ctx.HttpContext;
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var message = $"Too many sign-in attempts from your address. Wait {Math.Ceiling(retry.TotalSeconds)} seconds and try again.";
                if (http.Request.Path.StartsWithSegments("/api"))
                {
                    await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.", detail: message).ExecuteAsync(http);
                }
                else
                {
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync(
                        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts</title></head><body><main><h1>Too many sign-in attempts</h1><p>{message}</p><p><a href=\"/Account/Login\">Back to sign-in</a></p></main></body></html>", ct);
                }
            };
        });
    }

    /// <summary>
    /// Whether a request counts as a sign-in attempt: routing chose a sign-in endpoint, or its path, normalised, is
    /// one (a spelling routing sends elsewhere, such as "//Account/Login", still spends the budget).
    /// </summary>
    internal static bool IsSignInRequest(HttpContext ctx)
    {
        if (ctx.GetEndpoint()?.Metadata.GetMetadata<SignInEndpointAttribute>() is not null) return true;
        var path = NormalisePath(ctx.Request.Path.Value);
        return SignInPaths.Any(p => string.Equals(p, path, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"//Account//Login/" → "/Account/Login": empty segments and a trailing slash dropped (the server has already decoded %XX).</summary>
    internal static string NormalisePath(string? path)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return "/" + string.Join('/', segments);
    }

    /// <summary>The sign-out form post and the staff API's account endpoints.</summary>
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/Account/Logout", async ([FromServices] StaffSignInService signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        app.MapAccountsApi();
        return app;
    }

    /// <summary>Machines (the API, SignalR hubs) get the status code; people get the sign-in or access-denied page.</summary>
    private static Task ApiOr(HttpContext ctx, int status, Action page)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs")) ctx.Response.StatusCode = status;
        else page();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Marks an endpoint where a password or second factor is tried (the login form, the two-factor step, the token
/// endpoint): POSTs to it share the per-address sign-in rate limit, however the path was spelt.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SignInEndpointAttribute : Attribute;
