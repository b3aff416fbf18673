using System.Net;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The pages through plain HTTP: a cookie-keeping client that does not follow redirects, the sign-in form
/// posted with its antiforgery token, and one user per role seeded like the API keys of <see cref="ApiFactory"/>.</summary>
public static partial class WebClient
{
    public const string Password = "mat-khau-thu-0001";

    /// <summary>Users with the roles and scopes of the factory's keys: admin, lanhdao, lanhdaokhac, dichte, canboa, canbob.</summary>
    public static void SeedUsers(ApiFactory api)
    {
        var users = api.Services.GetRequiredService<UserStore>();
        foreach (var (name, display, role, scope) in new (string, string, string, string?)[]
        {
            ("admin", "Quản trị", Roles.Admin, null),
            ("lanhdao", "Lãnh đạo Sở", Roles.Leadership, api.Province),
            ("lanhdaokhac", "Lãnh đạo Sở tỉnh khác", Roles.Leadership, api.OtherProvince),
            ("dichte", "Dịch tễ tỉnh", Roles.Epidemiologist, api.Province),
            ("canboa", "Cán bộ xã A", Roles.CommuneOfficer, api.CommuneA),
            ("canbob", "Cán bộ xã B", Roles.CommuneOfficer, api.CommuneB),
        })
            if (users.Find(name) is null) users.Add(name, display, role, scope, Password);
    }

    public static HttpClient Browser(ApiFactory api)
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    public static async Task<string> TokenAsync(HttpClient client, string url = "/dang-nhap")
    {
        var html = await client.GetStringAsync(url);
        return TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("no antiforgery token on " + url);
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password = Password)
    {
        var token = await TokenAsync(client);
        return await client.PostAsync("/dang-nhap", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
