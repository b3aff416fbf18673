using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>User name and password → the sign-in cookie; the same answer for an unknown name and a wrong password;
/// lockout after <see cref="SignInOptions.MaxFailures"/> failures (<see cref="UserStore.SignIn"/>).</summary>
[AllowAnonymous]
public sealed class SignInModel(UserStore users, SnapshotCatalog catalog) : PageModel
{
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    public bool SignedOut => Request.Query.ContainsKey("daDangXuat");

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? Redirect(Next()) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var result = users.SignIn(UserName ?? "", Password ?? "");
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                    UserStore.Principal(result.User!, CookieAuthenticationDefaults.AuthenticationScheme),
                    new AuthenticationProperties { IsPersistent = false });
                HttpContext.User = UserStore.Principal(result.User!, CookieAuthenticationDefaults.AuthenticationScheme);
                return Redirect(Next());
            case SignInOutcome.LockedOut:
                Message = $"Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau {Vi.Date(new DateTimeOffset(DateTime.SpecifyKind(result.LockedUntil!.Value, DateTimeKind.Utc)).ToOffset(TimeSpan.FromHours(7)))}.";
                break;
            case SignInOutcome.Disabled:
                Message = "Tài khoản đã bị quản trị viên vô hiệu hoá.";
                break;
            default:
                Message = "Tên đăng nhập hoặc mật khẩu không đúng.";
                break;
        }
        // 200 with the form again (a 401 would need a WWW-Authenticate challenge a browser cannot answer).
        return Page();
    }

    /// <summary>The page asked for before sign-in (a local path only), else the caller's home.</summary>
    string Next() => ReturnUrl is { Length: > 0 } r && Url.IsLocalUrl(r) && !r.StartsWith("/dang-nhap", StringComparison.Ordinal)
        ? r : WebPages.HomeOf(Caller.From(User), catalog);
}
