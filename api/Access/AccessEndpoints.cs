using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace HoSoSucKhoe.Api.Access;

public sealed record Me(string Name, string Role, string? Scope);

public static partial class AccessEndpoints
{
    public const string AdminPolicy = "admin";

    /// <summary>API keys from <c>Access:Credentials</c>; every endpoint needs one unless it says AllowAnonymous.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration("Access").ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AccessOptions>, AccessOptionsValidator>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<UnitScope>();
        services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        return services;
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
