using System.Net;
using System.Xml.Linq;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Charts and maps as users get them: from the API within their scope, and written by <c>export</c>.</summary>
[Collection("warehouse")]
public sealed class ChartDownloadTests(WarehouseFixture fixture)
{
    [Fact]
    public async Task EveryChartKindIsServedAsSvgOrPngInScopeAndBadParametersAreNamed()
    {
        using var api = new ApiFactory(fixture);
        var leadership = api.As(ApiFactory.Leadership);
        foreach (var (query, text) in new[]
        {
            ("kind=coverage", "Tỷ lệ"), ("kind=trend", "Dự kiến"), ("kind=cascade", "Chuỗi chăm sóc"), ("kind=prevalence", "STEPS"),
            ("kind=map&measure=coverage", "Không có dữ liệu"), ("kind=map&measure=gap", "Xã"), ("kind=map&measure=dq", "Xã"),
            ("kind=map&measure=smoothed", "Không có dữ liệu"),
        })
        {
            using var response = await leadership.GetAsync($"/api/coverage/{api.Province}/chart?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
            var texts = string.Join(' ', svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
            Assert.True(texts.Contains(text, StringComparison.OrdinalIgnoreCase), $"{query}: no '{text}' in {texts[..Math.Min(300, texts.Length)]}");
        }
        using (var png = await leadership.GetAsync($"/api/coverage/{api.Province}/chart?kind=map&measure=coverage&format=png"))
        {
            Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
        }
        using (var bad = await leadership.GetAsync($"/api/coverage/{api.Province}/chart?kind=pie"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("kind", await bad.Content.ReadAsStringAsync());
        }
        using (var bad = await leadership.GetAsync($"/api/coverage/{api.Province}/chart?kind=map&measure=height"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("measure", await bad.Content.ReadAsStringAsync());
        }
        using (var other = await api.As(ApiFactory.OfficerA).GetAsync($"/api/coverage/{api.CommuneB}/chart?kind=trend"))
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using (var own = await api.As(ApiFactory.OfficerA).GetAsync($"/api/coverage/{api.CommuneA}/chart?kind=trend"))
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public void TheExportVerbWritesMapsAndChartsAndNamesBadParameters()
    {
        var db = fixture.CopyDatabase();
        var dir = fixture.NewFolder("export-charts");
        var province = fixture.Options.ProvinceCode;
        var svg = Path.Combine(dir, "ban-do.svg");
        Assert.Equal(0, Commands.Run(["export", "--db", db, "--parent", province, "--out", svg, "--chart", "map", "--measure", "coverage"],
            new StringWriter(), new StringWriter()));
        Assert.Contains("Không có dữ liệu", File.ReadAllText(svg));
        var png = Path.Combine(dir, "bao-phu.png");
        Assert.Equal(0, Commands.Run(["export", "--db", db, "--parent", province, "--out", png], new StringWriter(), new StringWriter()));
        Assert.Equal(0x89, File.ReadAllBytes(png)[0]);

        string Error(params string[] args)
        {
            var error = new StringWriter();
            Assert.Equal(2, Commands.Run(args, new StringWriter(), error));
            return error.ToString();
        }
        Assert.Contains("Tham số --chart", Error("export", "--db", db, "--parent", province, "--out", png, "--chart", "pie"));
        Assert.Contains("Tham số --measure", Error("export", "--db", db, "--parent", province, "--out", png, "--chart", "map", "--measure", "x"));
        Assert.Contains("Tham số --chart/--measure", Error("export", "--db", db, "--parent", province, "--out", Path.Combine(dir, "a.xlsx"), "--chart", "map"));
    }
}
