using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using static HoSoSucKhoe.Tests.Web.BrowserSession;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The programme page (issue 16 §2) in Debian's Chromium against the app on Kestrel at 127.0.0.1: reached from
/// the navigation, its three charts and the control-rate map drawn as SVG with Vietnamese labels, the disease switch
/// going to diabetes, and the commune table's control rates equal to the API's. Screenshots in screenshots/.</summary>
[Collection("warehouse")]
public sealed class ProgrammeBrowserTests(WarehouseFixture fixture) : IAsyncLifetime
{
    readonly ApiFactory api = new(fixture);
    BrowserSession? session;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(api);

    public async Task DisposeAsync()
    {
        if (session is not null) await session.DisposeAsync();
        api.Dispose();
    }

    [Fact]
    public async Task EpidemiologistSeesChartsMapAndTheApisControlRates()
    {
        var page = await session!.SignedIn("dichte", WebClient.Password);
        await ClickAndLoad(page, "nav.main >> text=Chương trình THA/ĐTĐ");
        Assert.EndsWith($"/tinh/{api.Province}/chuong-trinh", page.Url);
        foreach (var chart in new[] { "outcomes", "control", "cohorts", "map-control" })
            Assert.Equal(1, await page.Locator($"figure[data-chart={chart}] svg").CountAsync());
        Assert.Contains("Tăng huyết áp", await page.InnerTextAsync("main"));
        await Shot(page, "programme-htn");

        var json = await api.As(ApiFactory.Epidemiologist).JsonAsync($"/api/ncd/programme/htn");
        var expected = json.GetProperty("table").GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("level").GetString() == "commune")
            .Select(r => r.GetProperty("unitCode").GetString()!).Order(StringComparer.Ordinal).ToList();
        var shown = await page.Locator("[data-testid=programme-communes] tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => r.dataset.code)");
        Assert.Equal(expected, shown.Where(c => c.Length == 5).Order(StringComparer.Ordinal));

        await ClickAndLoad(page, "[data-testid=disease-switch] a[data-disease=dm]");
        Assert.Contains("disease=dm", page.Url);
        Assert.Contains("Đái tháo đường", await page.InnerTextAsync("main"));
        await Shot(page, "programme-dm");
    }
}
