using HoSoSucKhoe.Api.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Sign-out: a POST with the antiforgery token (a GET cannot sign anyone out), then the sign-in page.</summary>
[AllowAnonymous]
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect(AccessEndpoints.SignInPath + "?daDangXuat=1");
    }
}
