using System.Diagnostics;
using System.Net;
using System.Text.Json;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace HoSoSucKhoe.Tests.Mail;

/// <summary>Subscriptions managed from the admin API and the command line; send-now; the send log.</summary>
[Collection("warehouse")]
public sealed class MailApiAndCliTests(WarehouseFixture fixture) : IAsyncLifetime
{
    readonly SmtpSink smtp = new();

    public Task InitializeAsync() { smtp.Start(); return Task.CompletedTask; }

    public async Task DisposeAsync() => await smtp.DisposeAsync();

    [Fact]
    public async Task AdminManagesSubscriptionsWithFieldErrorsInVietnameseAndSendNowMatchesTheApi()
    {
        using var api = new ApiFactory(fixture, ("Mail:Host", "127.0.0.1"), ("Mail:Port", smtp.Port.ToString()), ("Mail:Security", "none"),
            ("Mail:DashboardUrl", "https://hssk.example.vn"));
        var admin = api.As(ApiFactory.Admin);

        var forbidden = await api.As(ApiFactory.Leadership).GetAsync("/api/admin/subscriptions");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var bad = await admin.PostJsonAsync("/api/admin/subscriptions", new
        {
            address = "khong-phai-dia-chi", name = "Lãnh đạo", role = "leadership", scope = api.Province, unit = "99999", kind = "weekly_coverage",
            cron = "mỗi thứ Hai",
        });
        var errors = await Errors(bad);
        Assert.Contains("Trường 'address'", errors["address"]);
        Assert.Contains("không phải là địa chỉ thư điện tử hợp lệ", errors["address"]);
        Assert.Contains("Trường 'cron'", errors["cron"]);
        Assert.Contains("không có đơn vị mã '99999'", errors["unit"]);

        var outOfScope = await admin.PostJsonAsync("/api/admin/subscriptions", new
        {
            address = "lanhdao@soyte.example.vn", name = "Lãnh đạo", role = "leadership", scope = api.OtherProvince, unit = api.Province,
            kind = "weekly_coverage",
        });
        Assert.Contains("nằm ngoài phạm vi", (await Errors(outOfScope))["unit"]);

        // Tied to a user of web_user: role and scope are the user's.
        var users = api.Services.GetRequiredService<UserStore>();
        users.Add("lanhdao", "Lãnh đạo Sở", "leadership", api.Province, "mat-khau-lanh-dao");
        users.Add("nghiviec", "Đã nghỉ việc", "leadership", api.Province, "mat-khau-nghi-viec");
        users.SetDisabled("nghiviec", true);
        var disabled = await admin.PostJsonAsync("/api/admin/subscriptions", new
        {
            address = "nghiviec@soyte.example.vn", name = "Đã nghỉ việc", user = "nghiviec", unit = api.Province, kind = "weekly_coverage",
        });
        Assert.Contains("Trường 'user': người dùng 'nghiviec' đã bị vô hiệu hoá", (await Errors(disabled))["user"]);

        var created = await admin.PostJsonAsync("/api/admin/subscriptions", new
        {
            address = "lanhdao@soyte.example.vn", name = "Lãnh đạo Sở", user = "LanhDao", unit = api.Province, kind = "monthly_appendix",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscription = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = subscription.GetProperty("subscriptionId").GetInt64();
        Assert.Equal("leadership", subscription.GetProperty("role").GetString());
        Assert.Equal(api.Province, subscription.GetProperty("scope").GetString());
        Assert.Equal("lanhdao", subscription.GetProperty("userName").GetString());
        Assert.Equal("0 7 1 * *", subscription.GetProperty("cron").GetString());
        Assert.Equal("Asia/Ho_Chi_Minh", subscription.GetProperty("timeZone").GetString());
        Assert.Single((await admin.JsonAsync("/api/admin/subscriptions")).EnumerateArray());

        var send = await admin.PostAsync($"/api/admin/subscriptions/{id}/send", null);
        var row = JsonDocument.Parse(await send.Content.ReadAsStringAsync()).RootElement;
        Assert.True(send.IsSuccessStatusCode, row.ToString());
        Assert.Equal("sent", row.GetProperty("status").GetString());

        // The attachment is the appendix workbook, its total row the API's.
        var message = Assert.Single(smtp.To("lanhdao@soyte.example.vn"));
        Assert.Equal(row.GetProperty("messageId").GetString(), message.MessageId);
        var attachment = Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments));
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        Assert.EndsWith(".xlsx", attachment.FileName);
        HoSoSucKhoe.Tests.Reports.WorkbookDownloadTests.TotalRowIs(content.ToArray(),
            new HoSoSucKhoe.Warehouse.Marts.CoverageQueries(fixture.Db).Children(new HoSoSucKhoe.Warehouse.Marts.CoverageRequest(api.Province)).Total);

        var log = (await admin.JsonAsync($"/api/admin/mail-log?subscription={id}")).EnumerateArray().Single();
        Assert.Equal("sent", log.GetProperty("status").GetString());
        Assert.Equal("lanhdao@soyte.example.vn", log.GetProperty("address").GetString());
        Assert.StartsWith("manual:", log.GetProperty("periodKey").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/subscriptions/{id}")).StatusCode);
        Assert.Empty((await admin.JsonAsync("/api/admin/subscriptions")).EnumerateArray());
        await (await admin.DeleteAsync($"/api/admin/subscriptions/{id}")).ProblemAsync(404);
    }

    static async Task<Dictionary<string, string>> Errors(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(" ", p.Value.EnumerateArray().Select(v => v.GetString())));
    }

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Commands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void CliAddsListsRemovesAndSendsNowAndAnotherProcessCannotSendWhileTheWarehouseIsHeld()
    {
        var db = fixture.CopyDatabase();
        var province = fixture.Options.ProvinceCode;
        var bad = Run("subscriptions", "add", "--db", db, "--address", "a@b", "--name", "X", "--role", "leadership", "--scope", province,
            "--unit", province, "--kind", "weekly_coverage", "--cron", "61 7 * * 1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("Trường 'address'", bad.Err);
        Assert.Contains("Trường 'cron'", bad.Err);

        var add = Run("subscriptions", "add", "--db", db, "--address", "lanhdao@soyte.example.vn", "--name", "Lãnh đạo Sở", "--role", "leadership",
            "--scope", province, "--unit", province, "--kind", "weekly_coverage", "--skip-unchanged");
        Assert.True(add.Code == 0, add.Err);
        Assert.Contains("Đã thêm đăng ký 1", add.Out);
        var list = Run("subscriptions", "list", "--db", db);
        Assert.Contains("lanhdao@soyte.example.vn\tLãnh đạo Sở\t\tleadership\t" + province, list.Out);

        var send = Run("send-now", "--db", db, "--subscription", "1", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.Port.ToString());
        Assert.True(send.Code == 0, send.Err + send.Out);
        Assert.Contains(": sent;", send.Out);
        Assert.Single(smtp.To("lanhdao@soyte.example.vn"));

        // A second process while this one holds the warehouse (as a running server does): refused, nothing sent.
        using (new WarehouseDb(db))
        {
            var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "send-now", "--db", db, "--subscription", "1",
                "--smtp-host", "127.0.0.1", "--smtp-port", smtp.Port.ToString()])
            { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(1, process.ExitCode);
            Assert.Contains("chỉ tiến trình giữ kho mới gửi thư", stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
        Assert.Single(smtp.To("lanhdao@soyte.example.vn"));

        Assert.Equal(2, Run("subscriptions", "remove", "--db", db, "--id", "7").Code);
        Assert.Equal(0, Run("subscriptions", "remove", "--db", db, "--id", "1").Code);
        Assert.Contains("(chưa có đăng ký nào)", Run("subscriptions", "list", "--db", db).Out);
        Assert.Equal(2, Run("send-now", "--db", db, "--subscription", "1").Code);
    }
}
