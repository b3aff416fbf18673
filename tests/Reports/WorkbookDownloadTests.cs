using System.Globalization;
using System.Net;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Tests.Reports.WorkbookReader;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>The workbook as users get it: downloaded from the API within their scope, and written by <c>export</c>;
/// both open and carry the appendix figures of <see cref="CoverageQueries"/>.</summary>
[Collection("warehouse")]
public sealed class WorkbookDownloadTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);

    internal static void TotalRowIs(byte[] content, CoverageRow total)
    {
        using var wb = Open(content);
        var ws = wb.Worksheet(AppendixSheet.Name);
        var row = SeedAppendixTests.FindRow(ws, AppendixSheet.TotalLabel, 2);
        Assert.Equal(total.Population, (long)Number(ws.Cell(row, 3)));
        Assert.Equal(total.RecordsLinked, (long)Number(ws.Cell(row, 4)));
        Assert.Equal(total.Examined, (long)Number(ws.Cell(row, 5)));
        Assert.Equal(total.Managed, (long)Number(ws.Cell(row, 6)));
        Assert.Equal((double)total.CoveragePct!.Value / 100, Convert.ToDouble(Evaluated(ws.Cell(row, 7)), CultureInfo.InvariantCulture), 4);
    }

    [Fact]
    public async Task LeadershipDownloadsTheProvinceWorkbookWithAVietnameseFileName()
    {
        using var api = new ApiFactory(fixture);
        var client = api.As(ApiFactory.Leadership);
        using var response = await client.GetAsync($"/api/coverage/{api.Province}/workbook");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AppendixWorkbookFile.ContentType, response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.StartsWith("Phu-luc-HSSK_", disposition.FileName!.Trim('"'));
        Assert.StartsWith("Phụ lục HSSK – ", disposition.FileNameStar);
        TotalRowIs(await response.Content.ReadAsByteArrayAsync(), queries.Children(new CoverageRequest(api.Province)).Total);

        // Cached per user: a second request is served the same bytes.
        using var again = await client.GetAsync($"/api/coverage/{api.Province}/workbook");
        Assert.Equal(await response.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ACommuneOfficerGetsTheirCommuneOnlyAndBadParametersAreNamed()
    {
        using var api = new ApiFactory(fixture);
        var officer = api.As(ApiFactory.OfficerA);
        using (var own = await officer.GetAsync($"/api/coverage/{api.CommuneA}/workbook"))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            using var wb = Open(await own.Content.ReadAsByteArrayAsync());
            Assert.Contains(wb.Worksheet(AppendixSheet.Name).CellsUsed(), c => c.GetString().Length > 0);
        }
        using (var other = await officer.GetAsync($"/api/coverage/{api.CommuneB}/workbook"))
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using (var province = await officer.GetAsync($"/api/coverage/{api.Province}/workbook"))
            Assert.Equal(HttpStatusCode.Forbidden, province.StatusCode);
        using (var anonymous = await api.As(null).GetAsync($"/api/coverage/{api.Province}/workbook"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var leadership = api.As(ApiFactory.Leadership);
        using var bad = await leadership.GetAsync($"/api/coverage/{api.Province}/workbook?target=50_2040");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Tham số target", await bad.Content.ReadAsStringAsync());
        using var badCode = await leadership.GetAsync("/api/coverage/12x/workbook");
        Assert.Equal(HttpStatusCode.BadRequest, badCode.StatusCode);
    }

    [Fact]
    public void TheExportVerbWritesTheSameWorkbookAndNamesBadParameters()
    {
        var db = fixture.CopyDatabase();
        var dir = fixture.NewFolder("export");
        var path = Path.Combine(dir, "phu-luc.xlsx");
        var province = fixture.Options.ProvinceCode;
        var output = new StringWriter();
        Assert.Equal(0, Commands.Run(["export", "--db", db, "--parent", province, "--out", path], output, new StringWriter()));
        Assert.Contains("Đã ghi", output.ToString());
        TotalRowIs(File.ReadAllBytes(path), queries.Children(new CoverageRequest(province)).Total);

        string Error(params string[] args)
        {
            var error = new StringWriter();
            Assert.Equal(2, Commands.Run(args, new StringWriter(), error));
            return error.ToString();
        }
        Assert.Contains("Tham số --out", Error("export", "--db", db, "--parent", province, "--out", Path.Combine(dir, "a.pdf")));
        Assert.Contains("Tham số --parent", Error("export", "--db", db, "--parent", "999", "--out", path));
        Assert.Contains("Tham số --snapshot", Error("export", "--db", db, "--parent", province, "--snapshot", "nope", "--out", path));
        Assert.Contains("Tham số --target", Error("export", "--db", db, "--parent", province, "--target", "1_2000", "--out", path));
        Assert.Contains("Tham số --db", Error("export", "--db", Path.Combine(dir, "none.duckdb"), "--parent", province, "--out", path));
    }
}
