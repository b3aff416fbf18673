using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Mail;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static HoSoSucKhoe.Tests.Web.BrowserSession;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>
/// Report e-mail subscriptions on the administration page (<c>/quan-tri</c>) in Debian's Chromium against the app on
/// Kestrel at 127.0.0.1, as <see cref="BrowserTests"/> runs it: a refused form names each field in Vietnamese (the API's
/// rules), a subscription is added, sent now to a real SMTP server on 127.0.0.1 and shown in the send log, then removed;
/// other roles are refused the page.
/// </summary>
[Collection("warehouse")]
public sealed class AdminMailBrowserTests(WarehouseFixture fixture) : IAsyncLifetime
{
    readonly SmtpSink smtp = new();
    ApiFactory api = null!;
    BrowserSession? session;

    public async Task InitializeAsync()
    {
        smtp.Start();
        api = new ApiFactory(fixture, ("Mail:Host", "127.0.0.1"), ("Mail:Port", smtp.Port.ToString()), ("Mail:Security", "none"),
            ("Mail:DashboardUrl", "https://hssk.example.vn"));
        session = await BrowserSession.StartAsync(api);
    }

    public async Task DisposeAsync()
    {
        if (session is not null) await session.DisposeAsync();
        api.Dispose();
        await smtp.DisposeAsync();
    }

    Task<IPage> SignedIn(string user, string password = WebClient.Password) => session!.SignedIn(user, password);

    const string Form = "[data-testid=add-subscription]";

    [Fact]
    public async Task AdminAddsSendsAndRemovesASubscriptionAndSeesTheSendLog()
    {
        var page = await SignedIn("admin");
        await page.GotoAsync("/quan-tri");
        Assert.Contains("Chưa có đăng ký nào", await page.InnerTextAsync("[data-testid=subscriptions]"));

        // Refused: each field's error in Vietnamese, naming the field, from the API's rules; what was typed is kept.
        await page.FillAsync($"{Form} input[name='sub.address']", "khong-phai-dia-chi");
        await page.FillAsync($"{Form} input[name='sub.name']", "Lãnh đạo Sở");
        await page.SelectOptionAsync($"{Form} select[name='sub.role']", "leadership");
        await page.FillAsync($"{Form} input[name='sub.scope']", api.OtherProvince);
        await page.FillAsync($"{Form} input[name='sub.unit']", api.Province);
        await page.FillAsync($"{Form} input[name='sub.cron']", "mỗi thứ Hai");
        await ClickAndLoad(page, $"{Form} button[type=submit]");
        await Shot(page, "admin-subscription-refused");
        Assert.Contains("Không thêm được đăng ký", await page.InnerTextAsync("[data-testid=admin-message]"));
        Assert.StartsWith("Trường 'address': 'khong-phai-dia-chi' không phải là địa chỉ thư điện tử hợp lệ",
            await page.InnerTextAsync($"{Form} [data-error=address]"));
        Assert.StartsWith("Trường 'cron':", await page.InnerTextAsync($"{Form} [data-error=cron]"));
        Assert.Contains($"Trường 'unit': đơn vị '{api.Province}' nằm ngoài phạm vi", await page.InnerTextAsync($"{Form} [data-error=unit]"));
        Assert.Equal("khong-phai-dia-chi", await page.InputValueAsync($"{Form} input[name='sub.address']"));
        Assert.Equal(0, await page.Locator("[data-testid=subscriptions] tr[data-subscription]").CountAsync());

        // Tied to the leadership user: role and scope are the user's (web_user).
        await page.FillAsync($"{Form} input[name='sub.address']", "lanhdao@soyte.example.vn");
        await page.SelectOptionAsync($"{Form} select[name='sub.user']", "lanhdao");
        await page.SelectOptionAsync($"{Form} select[name='sub.role']", "");
        await page.FillAsync($"{Form} input[name='sub.scope']", "");
        await page.FillAsync($"{Form} input[name='sub.cron']", "");
        await page.SelectOptionAsync($"{Form} select[name='sub.kind']", ReportKinds.MonthlyAppendix);
        await ClickAndLoad(page, $"{Form} button[type=submit]");
        Assert.StartsWith("Đã thêm đăng ký", await page.InnerTextAsync("[data-testid=admin-message]"));
        var row = page.Locator("[data-testid=subscriptions] tr[data-subscription]");
        Assert.Equal(1, await row.CountAsync());
        var id = await row.GetAttributeAsync("data-subscription");
        var text = await row.InnerTextAsync();
        Assert.Contains("lanhdao (Lãnh đạo)", text);
        Assert.Contains("Phụ lục tháng (kèm tệp Excel)", text);
        Assert.Contains("0 7 1 * *", text);
        Assert.Contains("Asia/Ho_Chi_Minh", text);

        // Send now: the message reaches the SMTP server; the send log shows who, what, period, when, Message-Id, outcome.
        await ClickAndLoad(page, $"[data-testid=subscriptions] tr[data-subscription='{id}'] button[data-action=send]");
        await Shot(page, "admin-subscription-sent");
        var message = Assert.Single(smtp.To("lanhdao@soyte.example.vn"));
        Assert.Contains($"Message-Id {message.MessageId}", await page.InnerTextAsync("[data-testid=admin-message]"));
        var logRow = page.Locator($"[data-testid=mail-log] tr[data-subscription='{id}']");
        Assert.Equal(1, await logRow.CountAsync());
        var logged = await logRow.InnerTextAsync();
        Assert.Equal("đã gửi", await logRow.Locator("[data-field=status]").InnerTextAsync());
        Assert.Contains("lanhdao@soyte.example.vn", logged);
        Assert.Contains("Phụ lục tháng (kèm tệp Excel) — " + api.Province, logged);
        Assert.Contains(message.MessageId!, logged);
        Assert.Matches(@"tháng \d{1,2}/\d{4}", logged);
        Assert.Matches(@"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", logged);
        var apiLog = (await api.As(ApiFactory.Admin).JsonAsync($"/api/admin/mail-log?subscription={id}")).EnumerateArray().Single();
        Assert.Equal(apiLog.GetProperty("messageId").GetString(), message.MessageId);

        // Removed: gone from the list, its log kept.
        await ClickAndLoad(page, $"[data-testid=subscriptions] tr[data-subscription='{id}'] button[data-action=remove]");
        Assert.Contains($"Đã xoá đăng ký {id}", await page.InnerTextAsync("[data-testid=admin-message]"));
        Assert.Equal(0, await page.Locator("[data-testid=subscriptions] tr[data-subscription]").CountAsync());
        Assert.Equal(1, await page.Locator($"[data-testid=mail-log] tr[data-subscription='{id}']").CountAsync());
        Assert.Empty((await api.As(ApiFactory.Admin).JsonAsync("/api/admin/subscriptions")).EnumerateArray());
    }

    [Fact]
    public async Task OnlyAnAdminOpensTheSubscriptionsPage()
    {
        var page = await SignedIn("lanhdao");
        var response = await page.GotoAsync("/quan-tri");
        Assert.Equal(403, response!.Status);
        Assert.Equal(0, await page.Locator("[data-testid=subscriptions]").CountAsync());

        // An admin's form post without the antiforgery token is refused and adds nothing.
        // Kestrel on 127.0.0.1 (not the test server's in-memory client): a cookie-keeping client that does not follow redirects.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
            { BaseAddress = new Uri(session!.Origin), Timeout = TimeSpan.FromSeconds(60) };
        using (var ok = await WebClient.SignInAsync(client, "admin")) Assert.Equal(System.Net.HttpStatusCode.Redirect, ok.StatusCode);
        using var add = await client.PostAsync("/quan-tri?handler=AddSubscription", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sub.address"] = "lanhdao@soyte.example.vn", ["sub.name"] = "Lãnh đạo Sở", ["sub.user"] = "lanhdao", ["sub.unit"] = api.Province,
            ["sub.kind"] = ReportKinds.WeeklyCoverage,
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, add.StatusCode);
        Assert.Empty(api.Services.GetRequiredService<MailStore>().Active());
    }
}
