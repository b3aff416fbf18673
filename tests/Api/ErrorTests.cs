using Dapper;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Api;

[Collection("warehouse")]
public sealed class ErrorTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    HttpClient National => api.As(ApiFactory.EpidemiologistNational);

    [Theory]
    [InlineData("/api/coverage/units/99999/completeness")]
    [InlineData("/api/coverage/units/99999/series")]
    [InlineData("/api/units/99999")]
    [InlineData("/api/units/99999/children")]
    public async Task UnknownUnitIs404InVietnamese(string url)
    {
        using var response = await National.GetAsync(url);
        var problem = await response.ProblemAsync(404);
        Assert.Contains("'99999'", problem.Detail);
        Assert.StartsWith("Không", problem.Detail);
    }

    [Fact]
    public async Task UnknownSnapshotIs404()
    {
        using var one = await National.GetAsync("/api/snapshots/khong-co");
        Assert.Equal("Không có ảnh chụp 'khong-co'.", (await one.ProblemAsync(404)).Detail);
        using var coverage = await National.GetAsync($"/api/coverage/communes?parent={api.Province}&snapshot=khong-co");
        Assert.Equal("Không có ảnh chụp 'khong-co'.", (await coverage.ProblemAsync(404)).Detail);
    }

    [Fact]
    public async Task BadSortIs400NamingTheParameterAndTheChoices()
    {
        using var response = await National.GetAsync($"/api/coverage/communes?parent={api.Province}&sort=abc");
        var problem = await response.ProblemAsync(400);
        Assert.Equal("Tham số 'sort': giá trị 'abc' không hợp lệ; dùng một trong: code, name, population, records_linked, examined, managed, coverage_pct, gap.",
            problem.Detail);
    }

    [Theory]
    [InlineData("/api/units?q=ba&limit=abc", "Tham số 'limit': giá trị 'abc' không hợp lệ; cần một số nguyên.")]
    [InlineData("/api/units?q=ba&limit=0", "Tham số 'limit': giá trị '0' không hợp lệ; cần một số nguyên từ 1 đến 500.")]
    [InlineData("/api/units/01?on=2026-13-45", "Tham số 'on': giá trị '2026-13-45' không hợp lệ; cần một ngày dạng yyyy-MM-dd.")]
    [InlineData("/api/units?level=huyen", "Tham số 'level': giá trị 'huyen' không hợp lệ; dùng một trong: province, district, commune.")]
    [InlineData("/api/coverage/communes?parent=PROVINCE&below=x", "Tham số 'below': giá trị 'x' không hợp lệ; cần một số (dấu chấm thập phân).")]
    [InlineData("/api/coverage/communes?parent=PROVINCE&desc=maybe", "Tham số 'desc': giá trị 'maybe' không hợp lệ; cần true hoặc false.")]
    [InlineData("/api/coverage/wards?parent=PROVINCE", "Tham số 'level': giá trị 'wards' không hợp lệ; dùng một trong: communes, districts.")]
    [InlineData("/api/coverage/communes", "Tham số 'parent': bắt buộc.")]
    [InlineData("/api/coverage/communes?parent=1", "Tham số 'parent': giá trị '1' không hợp lệ; cần mã tỉnh (2 chữ số) hoặc mã huyện cũ (3 chữ số).")]
    [InlineData("/api/snapshots?format=xml", "Tham số 'format': giá trị 'xml' không hợp lệ; dùng một trong: json, csv.")]
    public async Task BadParameterIs400NamingIt(string url, string detail)
    {
        using var response = await National.GetAsync(url.Replace("PROVINCE", api.Province));
        Assert.Equal(detail, (await response.ProblemAsync(400)).Detail);
    }

    [Fact]
    public async Task UnhandledErrorIs500WithoutStackTraceOrInternals()
    {
        using (var c = api.Services.GetRequiredService<WarehouseDb>().Open())
            c.Execute("ALTER TABLE fact_snapshot RENAME TO fact_snapshot_gone");
        using var response = await National.GetAsync("/api/snapshots");
        var problem = await response.ProblemAsync(500);
        Assert.Equal("Lỗi máy chủ", problem.Title);
        var body = await response.Content.ReadAsStringAsync();
        foreach (var leak in new[] { "fact_snapshot", "DuckDB", "Exception", " at ", "Catalog" })
            Assert.DoesNotContain(leak, body);
        Assert.Contains("traceId", body);
    }

    [Fact]
    public async Task UnknownRouteIs404InVietnamese()
    {
        using var response = await National.GetAsync("/api/khong-co-gi");
        Assert.Equal("Không tìm thấy", (await response.ProblemAsync(404)).Title);
    }

    [Fact]
    public async Task MalformedLoadRequestIs400()
    {
        var admin = api.As(ApiFactory.Admin);
        using var empty = await admin.PostJsonAsync("/api/admin/loads", new { replace = true });
        Assert.Equal("Tham số 'folder': bắt buộc.", (await empty.ProblemAsync(400)).Detail);
        using var notJson = await admin.PostAsync("/api/admin/loads", new StringContent("{ folder: ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal("Nội dung yêu cầu không phải JSON hợp lệ hoặc sai kiểu trường.", (await notJson.ProblemAsync(400)).Detail);
    }

    [Fact]
    public async Task OpenApiDocumentIsServedWithoutCredential()
    {
        var doc = await api.As(null).JsonAsync("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/units", "/api/units/{code}/bridge", "/api/snapshots/latest", "/api/coverage/{level}",
                     "/api/coverage/units/{code}/series", "/api/admin/loads" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.Contains("text/csv", paths.GetProperty("/api/coverage/{level}").ToString());
    }
}
