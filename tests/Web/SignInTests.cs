using System.Net;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>Sign-in, lockout, antiforgery, sign-out and page access rules over plain HTTP (test host).</summary>
[Collection("warehouse")]
public sealed class SignInTests : IDisposable
{
    readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    readonly ApiFactory api;

    public SignInTests(WarehouseFixture fixture)
    {
        api = new ApiFactory(fixture, ("SignIn:MaxFailures", "3"), ("SignIn:Lockout", "00:10:00"))
            { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        WebClient.SeedUsers(api);
    }

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task PagesRedirectToSignInWhileTheApiStillAnswers401ProblemDetails()
    {
        var client = WebClient.Browser(api);
        using var page = await client.GetAsync($"/tinh/{api.Province}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/dang-nhap?ReturnUrl=", page.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        using var apiAnswer = await client.GetAsync("/api/snapshots");
        Assert.Equal("Chưa xác thực", (await apiAnswer.ProblemAsync(401)).Title);
    }

    [Fact]
    public async Task SignedInUserReadsTheApiWithItsCookieButCannotWriteWithIt()
    {
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "admin")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var me = await client.JsonAsync("/api/me");
        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.Equal("Quản trị", me.GetProperty("name").GetString());
        using var write = await client.PostAsync("/api/ncd/model/train", null);
        await write.ProblemAsync(401); // a write needs a key: the cookie is not even read for it
    }

    [Fact]
    public async Task ThreeWrongPasswordsLockTheAccountUntilTheConfiguredTimeHasPassed()
    {
        var client = WebClient.Browser(api);
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await WebClient.SignInAsync(client, "lanhdao", "sai-mat-khau-000");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", await wrong.Content.ReadAsStringAsync());
        }
        using (var third = await WebClient.SignInAsync(client, "lanhdao", "sai-mat-khau-000"))
            Assert.Contains("Tài khoản tạm khoá", await third.Content.ReadAsStringAsync());
        using (var right = await WebClient.SignInAsync(client, "lanhdao"))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode); // the form again, no cookie
            Assert.Contains("Tài khoản tạm khoá", await right.Content.ReadAsStringAsync());
        }
        clock.Advance(TimeSpan.FromMinutes(9));
        using (var stillLocked = await WebClient.SignInAsync(client, "lanhdao"))
            Assert.Contains("Tài khoản tạm khoá", await stillLocked.Content.ReadAsStringAsync());
        clock.Advance(TimeSpan.FromMinutes(2));
        using var after = await WebClient.SignInAsync(client, "lanhdao");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal($"/tinh/{api.Province}", after.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task UnknownUserGetsTheSameAnswerAsAWrongPassword()
    {
        var client = WebClient.Browser(api);
        using var unknown = await WebClient.SignInAsync(client, "khong-co-ai");
        using var wrong = await WebClient.SignInAsync(client, "dichte", "sai-mat-khau-000");
        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FormPostsWithoutTheAntiforgeryTokenAreRejected()
    {
        var client = WebClient.Browser(api);
        using var signIn = await client.PostAsync("/dang-nhap", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "admin", ["Password"] = WebClient.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(signIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("hssk.auth=", StringComparison.Ordinal)));

        using (var ok = await WebClient.SignInAsync(client, "admin")) Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        using var add = await client.PostAsync("/quan-tri?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "kexau", ["DisplayName"] = "x", ["Role"] = "admin", ["Password"] = "mat-khau-dai-123",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, add.StatusCode);
        Assert.Null(api.Services.GetRequiredService<HoSoSucKhoe.Api.Access.UserStore>().Find("kexau"));
    }

    [Fact]
    public async Task SignOutEndsTheSessionAndADisabledUsersCookieStopsWorking()
    {
        var client = WebClient.Browser(api);
        using (await WebClient.SignInAsync(client, "dichte")) { }
        using (var page = await client.GetAsync($"/tinh/{api.Province}")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = await WebClient.TokenAsync(client, $"/tinh/{api.Province}");
        using (var signOut = await client.PostAsync("/dang-xuat", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using (var after = await client.GetAsync($"/tinh/{api.Province}")) Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);

        var other = WebClient.Browser(api);
        using (await WebClient.SignInAsync(other, "dichte")) { }
        api.Services.GetRequiredService<HoSoSucKhoe.Api.Access.UserStore>().SetDisabled("dichte", true);
        using var disabled = await other.GetAsync($"/tinh/{api.Province}");
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        using var again = await WebClient.SignInAsync(other, "dichte");
        Assert.Contains("vô hiệu hoá", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PagesOutsideTheScopeGiveTheApisRefusalAsAVietnamesePageNamingNothing()
    {
        var officer = WebClient.Browser(api);
        using (await WebClient.SignInAsync(officer, "canboa")) { }
        using (var own = await officer.GetAsync($"/xa/{api.CommuneA}")) Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var other = await officer.GetAsync($"/xa/{api.CommuneB}");
        using var missing = await officer.GetAsync("/xa/99999");
        using var province = await officer.GetAsync($"/tinh/{api.Province}");
        using var list = await officer.GetAsync($"/tinh/{api.Province}/xa");
        var body = await other.Content.ReadAsStringAsync();
        foreach (var r in new[] { other, missing, province, list }) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("text/html", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Không có quyền truy cập", body);
        Assert.Contains("nằm ngoài phạm vi", body);
        Assert.DoesNotContain(api.CommuneB, body);
        Assert.Equal(body, await missing.Content.ReadAsStringAsync());

        var elsewhere = WebClient.Browser(api);
        using (await WebClient.SignInAsync(elsewhere, "lanhdaokhac")) { }
        using var foreign = await elsewhere.GetAsync($"/tinh/{api.Province}");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using var admin = await elsewhere.GetAsync("/quan-tri");
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Contains("Không có quyền truy cập", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnlyTheCommunesOwnOfficerSeesNamesAndEveryViewIsAudited()
    {
        var a = WebClient.Browser(api);
        using (await WebClient.SignInAsync(a, "canboa")) { }
        var page = await a.GetStringAsync($"/xa/{api.CommuneA}");
        Assert.Contains("Danh sách tiếp cận", page);
        using (var own = await a.GetAsync($"/xa/{api.CommuneA}/danh-sach/priority")) Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        var leadership = WebClient.Browser(api);
        using (await WebClient.SignInAsync(leadership, "lanhdao")) { }
        Assert.DoesNotContain("Danh sách tiếp cận", await leadership.GetStringAsync($"/xa/{api.CommuneA}"));
        using (var denied = await leadership.GetAsync($"/xa/{api.CommuneA}/danh-sach/priority")) Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        var audit = await api.As(ApiFactory.Admin).JsonAsync("/api/ncd/audit");
        var rows = audit.EnumerateArray().Select(r => (r.GetProperty("userName").GetString(), r.GetProperty("outcome").GetString())).ToList();
        Assert.Contains(("Cán bộ xã A", "granted"), rows);
        Assert.Contains(("Lãnh đạo Sở", "denied"), rows);
    }

    [Fact]
    public void UsersVerbAddsResetsDisablesAndRefusesWhileTheWarehouseIsInUse()
    {
        var path = api.Fixture.CopyDatabase();
        int Run(out string text, params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = Commands.Run(["users", .. args], output, error);
            text = output + error.ToString();
            return code;
        }
        Assert.Equal(0, Run(out var added, "add", "--db", path, "--user", "Nguoi.Moi", "--name", "Người mới", "--role", "leadership", "--scope", api.Province, "--password", "mat-khau-dai-123"));
        Assert.Contains("Đã thêm người dùng 'nguoi.moi'", added);
        Assert.Equal(2, Run(out var badScope, "add", "--db", path, "--user", "x2x", "--name", "X", "--role", "commune_officer", "--scope", api.Province, "--password", "mat-khau-dai-123"));
        Assert.Contains("vai trò/phạm vi", badScope);
        Assert.Equal(2, Run(out var shortPassword, "reset", "--db", path, "--user", "nguoi.moi", "--password", "ngan"));
        Assert.Contains("mật khẩu: cần ít nhất 10 ký tự", shortPassword);
        Assert.Equal(2, Run(out var missing, "disable", "--db", path));
        Assert.Contains("Tham số --user: bắt buộc.", missing);
        Assert.Equal(0, Run(out _, "disable", "--db", path, "--user", "nguoi.moi"));
        Assert.Equal(0, Run(out var list, "list", "--db", path));
        Assert.Contains("nguoi.moi\tleadership\t" + api.Province + "\tdisabled", list);

        // The verb in its own process, as a user runs it, while this process (the "server") holds the file.
        using (new WarehouseDb(path))
        {
            var cli = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
                [typeof(Commands).Assembly.Location, "users", "list", "--db", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var busy = cli.StandardError.ReadToEnd();
            cli.WaitForExit();
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("đang được một tiến trình khác sử dụng", busy);
        }
    }
}
