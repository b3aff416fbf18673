using System.Globalization;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Playwright;
using static HoSoSucKhoe.Tests.Web.BrowserSession;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>
/// The pages in Debian's Chromium (Playwright, <c>/usr/bin/chromium</c>, closed-network flags from FIELD-NOTES) against
/// the app on Kestrel at 127.0.0.1: each role sees what it may and nothing else, and the figures equal the API's JSON
/// for the same snapshot. Screenshots go to the test output folder (screenshots/).
/// </summary>
[Collection("warehouse")]
public sealed class BrowserTests(WarehouseFixture fixture) : IAsyncLifetime
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    readonly ApiFactory api = new(fixture);
    BrowserSession? session;

    public async Task InitializeAsync()
    {
        session = await BrowserSession.StartAsync(api);
    }

    public async Task DisposeAsync()
    {
        if (session is not null) await session.DisposeAsync();
        api.Dispose();
    }

    Task<IPage> SignedIn(string user, string password = WebClient.Password) => session!.SignedIn(user, password);

    [Fact]
    public async Task LeadershipSeesItsProvinceWithTheApisFiguresAndNothingElse()
    {
        var page = await SignedIn("lanhdao");
        Assert.EndsWith($"/tinh/{api.Province}", page.Url);
        await Shot(page, "overview-leadership");
        var key = api.As(ApiFactory.Leadership);
        var table = await key.JsonAsync($"/api/coverage/communes?parent={api.Province}&sort=coverage_pct");
        var snapshot = table.GetProperty("snapshot").GetProperty("snapshotId").GetString()!;
        Assert.Contains(snapshot, await page.InnerTextAsync("[data-testid=snapshot]"));
        var total = table.GetProperty("total");
        Assert.Equal(Pct(total.GetProperty("coveragePct")), await page.InnerTextAsync("[data-testid=total-coverage]"));
        Assert.Equal(total.GetProperty("managed").GetInt64().ToString("N0", Vi), await page.InnerTextAsync("[data-testid=total-managed]"));
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(rows.Count(r => r.GetProperty("over100").GetBoolean()).ToString(Vi), await page.InnerTextAsync("[data-testid=over100]"));
        var targets = await key.JsonAsync($"/api/coverage/units/{api.Province}/targets?snapshot={snapshot}");
        foreach (var t in targets.GetProperty("targets").EnumerateArray())
        {
            var row = page.Locator($"[data-testid=targets] tr[data-key='{t.GetProperty("target").GetProperty("key").GetString()}']");
            Assert.Equal(Pct(t.GetProperty("valuePct")), await row.Locator("[data-field=valuePct]").InnerTextAsync());
            Assert.Equal(N(t.GetProperty("gap")), await row.Locator("[data-field=gap]").InnerTextAsync());
        }
        var lagging = rows.Where(r => r.GetProperty("coveragePct").ValueKind != System.Text.Json.JsonValueKind.Null).Take(10).ToList();
        Assert.Equal(lagging.Select(r => r.GetProperty("code").GetString()),
            await page.Locator("[data-testid=lagging] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.code)"));

        // The map: one shape per commune of the table, each titled with its name; a click opens the commune's page.
        var shapes = page.Locator("[data-chart=coverage] svg path.commune");
        var codes = await shapes.EvaluateAllAsync<string[]>("s => s.map(p => p.dataset.code)");
        Assert.Equal(rows.Select(r => r.GetProperty("code").GetString()).Order(), codes.Order());
        var titles = await shapes.EvaluateAllAsync<string[]>("s => s.map(p => p.querySelector('title').textContent)");
        foreach (var (code, title) in codes.Zip(titles))
            Assert.StartsWith(rows.Single(r => r.GetProperty("code").GetString() == code).GetProperty("name").GetString() + ": ", title);
        var clicked = codes.First(c => rows.Single(r => r.GetProperty("code").GetString() == c).GetProperty("coveragePct").ValueKind != System.Text.Json.JsonValueKind.Null);
        await ClickAndLoad(page, $"[data-chart=coverage] svg path.commune[data-code='{clicked}']");
        Assert.Contains($"/xa/{clicked}", page.Url);
        await page.GoBackAsync();

        // The communes table, filtered to those below the 90 % target, equals the API's filtered rows.
        await ClickAndLoad(page, "nav.main >> text=Danh sách xã");
        await page.SelectOptionAsync("select[name=belowTarget]", "90_2025");
        await ClickAndLoad(page, "form.filters button");
        await Shot(page, "communes-below-90");
        var below = await key.JsonAsync($"/api/coverage/communes?parent={api.Province}&belowTarget=90_2025&snapshot={snapshot}");
        var shown = await page.Locator("[data-testid=communes] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.code + '|' + r.querySelector('[data-field=coveragePct]').innerText)");
        Assert.Equal(below.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("code").GetString() + "|" + Pct(r.GetProperty("coveragePct"))), shown);

        // The Excel appendix downloaded from the table opens and holds the API's rows (official order, by code).
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=excel]"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        using (var wb = Reports.WorkbookReader.Open(await File.ReadAllBytesAsync((await download.PathAsync())!)))
        {
            var ws = wb.Worksheet("Phụ lục");
            var header = Reports.SeedAppendixTests.FindRow(ws, "STT");
            var all = await key.JsonAsync($"/api/coverage/communes?parent={api.Province}&snapshot={snapshot}");
            var expected = all.GetProperty("rows").EnumerateArray().OrderBy(r => r.GetProperty("code").GetString(), StringComparer.Ordinal)
                .Select(r => r.GetProperty("name").GetString() + "|" + r.GetProperty("managed").GetInt64()).ToList();
            var sheet = Enumerable.Range(header + 2, expected.Count)
                .Select(i => ws.Cell(i, 2).GetString() + "|" + (long)ws.Cell(i, 6).GetDouble()).ToList();
            Assert.Equal(expected, sheet);
        }

        // Another province's overview is refused like the API refuses it.
        var response = await page.GotoAsync($"/tinh/{api.OtherProvince}");
        Assert.Equal(403, response!.Status);
        Assert.Contains("Không có quyền truy cập", await page.InnerTextAsync("h1"));
        await Shot(page, "refused-other-province");
        Assert.Equal(0, await page.Locator("nav.main >> text=Quản trị").CountAsync());
    }

    [Fact]
    public async Task CommuneOfficerSeesItsCommuneWithNamesAndIsRefusedTheNeighbour()
    {
        var page = await SignedIn("canboa");
        Assert.EndsWith($"/xa/{api.CommuneA}", page.Url);
        await Shot(page, "commune-officer");
        var series = await api.As(ApiFactory.OfficerA).JsonAsync($"/api/coverage/units/{api.CommuneA}/series");
        var shown = await page.Locator("[data-testid=series] tbody tr [data-field=coveragePct]").AllInnerTextsAsync();
        Assert.Equal(series.GetProperty("points").EnumerateArray().Select(p => Pct(p.GetProperty("row").GetProperty("coveragePct"))), shown);
        // Follow the first list's link by its address: a click's navigation can race the load-state wait on a
        // loaded machine (CI timed out there once); GotoAsync waits for this document's own load event.
        var href = await page.Locator("[data-testid=linelists] a >> nth=0").GetAttributeAsync("href");
        var list = await page.GotoAsync(href!);
        Assert.Equal(200, list!.Status);
        Assert.Equal(1, await page.Locator("[data-testid=linelist]").CountAsync());
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Shot(page, "linelist-print");
        Assert.Equal(0, await page.Locator("header.top").Locator("visible=true").CountAsync());
        var response = await page.GotoAsync($"/xa/{api.CommuneB}");
        Assert.Equal(403, response!.Status);

        var leadership = await SignedIn("lanhdao");
        await leadership.GotoAsync($"/xa/{api.CommuneA}");
        Assert.Equal(0, await leadership.Locator("[data-testid=linelists]").CountAsync());
        await Shot(leadership, "commune-leadership");
    }

    [Fact]
    public async Task AdminSignsInLocksOutAfterFiveFailuresAndSignsOut()
    {
        var admin = await SignedIn("admin");
        await admin.GotoAsync("/quan-tri");
        await Shot(admin, "admin");
        Assert.True(await admin.Locator("[data-testid=users] tr[data-user=canboa]").CountAsync() == 1);
        await ClickAndLoad(admin, "header.top button");
        Assert.Contains("/dang-nhap", admin.Url);
        Assert.Contains("đã đăng xuất", await admin.InnerTextAsync("[data-testid=signin-message]"));

        IPage? page = null;
        for (var i = 0; i < 5; i++) page = await SignedIn("dichte", "sai-mat-khau-000");
        Assert.Contains("Tài khoản tạm khoá", await page!.InnerTextAsync("[data-testid=signin-message]"));
        var right = await SignedIn("dichte");
        Assert.Contains("Tài khoản tạm khoá", await right.InnerTextAsync("[data-testid=signin-message]"));
        await Shot(right, "locked-out");
    }

    static string Pct(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.Null ? "—" : e.GetDecimal().ToString("N2", Vi) + "%";

    static string N(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.Null ? "—" : e.GetInt64().ToString("N0", Vi);
}
