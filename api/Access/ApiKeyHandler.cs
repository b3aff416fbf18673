using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using HoSoSucKhoe.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Access;

/// <summary>An API key in <c>X-Api-Key</c> or <c>Authorization: Bearer</c> → name, role and scope claims.
/// 401 and 403 are written as Vietnamese ProblemDetails.</summary>
sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CredentialStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[Header].ToString();
        if (key.Length == 0 && AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            key = header.Parameter ?? "";
        if (key.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());
        if (store.Find(key) is not { } credential) return Task.FromResult(AuthenticateResult.Fail("unknown API key"));

        List<Claim> claims = [new(ClaimTypes.Name, credential.Name), new(ClaimTypes.Role, credential.Role)];
        if (!string.IsNullOrWhiteSpace(credential.Scope))
        {
            var scope = credential.Scope.Trim();
            claims.Add(new Claim(Caller.ScopeClaim, scope));
            claims.Add(new Claim(Caller.ProvinceClaim, CredentialStore.ProvinceOf(scope)));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var rejected = Request.Headers.ContainsKey(Header) || Request.Headers.ContainsKey("Authorization");
        return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Chưa xác thực",
            rejected
                ? "Khoá truy cập không hợp lệ."
                : $"Cần khoá truy cập: gửi tiêu đề {Header}: <khoá> hoặc Authorization: Bearer <khoá>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, Problems.ForbiddenTitle,
            $"Vai trò '{Caller.From(Context.User).Role}' không được phép dùng chức năng này.");
}
