using HoSoSucKhoe.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Access;

public sealed record Me(string Name, string Role, string? Scope);

public static partial class AccessEndpoints
{
    public const string AdminPolicy = "admin";

    /// <summary>The default scheme: forwards to the API key handler or to the sign-in cookie (<see cref="UsesApiKey"/>).</summary>
    public const string CombinedScheme = "KeyOrCookie";
    public const string CookieName = "hssk.auth";
    public const string SignInPath = "/dang-nhap";

    /// <summary>API keys from <c>Access:Credentials</c> for machines, users signed in with a cookie for people; every
    /// endpoint needs one or the other unless it says AllowAnonymous.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration("Access").ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>();
        services.AddOptions<SignInOptions>().BindConfiguration("SignIn");
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<UnitScope>();
        services.AddSingleton<UserStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddAuthentication(CombinedScheme)
            .AddPolicyScheme(CombinedScheme, null, o => o.ForwardDefaultSelector = http =>
                UsesApiKey(http) ? ApiKeyHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: a link from an e-mail opens the page signed in; every change is a POST with an
                // antiforgery token, and Lax never sends the cookie with a cross-site POST.
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the request came over HTTPS (production, behind TLS); the tests and a local demo run on
                // http://127.0.0.1, where a Secure-only cookie would never come back (docs/architecture.md).
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = SignInPath;
                o.LogoutPath = "/dang-xuat";
                o.ReturnUrlParameter = "ReturnUrl";
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = async context =>
                    {
                        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                        if (context.Principal is null || !users.StillValid(context.Principal))
                        {
                            context.RejectPrincipal();
                            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                        }
                    },
                    // Machines (and scripts holding a stale cookie) get the API's ProblemDetails, people the sign-in page.
                    OnRedirectToLogin = context => IsApi(context.Request)
                        ? Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Chưa xác thực",
                            $"Cần khoá truy cập: gửi tiêu đề {ApiKeyHandler.Header}: <khoá> hoặc Authorization: Bearer <khoá>.")
                        : Redirect(context),
                    OnRedirectToAccessDenied = context => IsApi(context.Request)
                        ? Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, Problems.ForbiddenTitle,
                            $"Vai trò '{Caller.From(context.HttpContext.User).Role}' không được phép dùng chức năng này.")
                        : Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, Problems.ForbiddenTitle,
                            $"Vai trò '{Caller.From(context.HttpContext.User).Role}' không được phép mở trang này."),
                };
            });
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, CookieSessionLength>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        return services;
    }

    /// <summary>A request carrying an API key, or any request to <c>/api</c> other than a read by a signed-in browser
    /// (cookies never authorize an API write: those take a key, or go through a page's form with its antiforgery token).</summary>
    public static bool UsesApiKey(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.ContainsKey(ApiKeyHandler.Header) || request.Headers.ContainsKey("Authorization")) return true;
        if (!IsApi(request)) return false;
        return !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !request.Cookies.ContainsKey(CookieName);
    }

    internal static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi");

    static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The sign-in lifetime from <see cref="SignInOptions.Session"/>.</summary>
    sealed class CookieSessionLength(IOptions<SignInOptions> signIn) : IPostConfigureOptions<CookieAuthenticationOptions>
    {
        public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.ExpireTimeSpan = signIn.Value.Session;
    }

    public static void MapAccess(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<CredentialStore>().Count == 0)
            NoCredentials(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessEndpoints)));
        app.MapGet("/api/me", (Caller caller) => new Me(caller.Name, caller.Role, caller.Scope)).WithTags("Access")
            .WithSummary("Tên, vai trò và phạm vi của khoá truy cập đang dùng.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không có khoá truy cập nào trong Access:Credentials: mọi yêu cầu sẽ bị từ chối (401). (no API keys configured)")]
    static partial void NoCredentials(ILogger logger);
}
