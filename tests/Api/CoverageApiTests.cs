using System.Text;
using System.Text.Json;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>The coverage endpoints serve exactly what the mart query layer computes (its own tests check the figures
/// against truth.json), in JSON and CSV, sorted and filtered.</summary>
[Collection("warehouse")]
public sealed class CoverageApiTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);
    readonly CoverageQueries queries = new(fixture.Db);

    public void Dispose() => api.Dispose();

    HttpClient Leadership => api.As(ApiFactory.Leadership);

    static string Json(object value) => JsonSerializer.Serialize(value, Http.Json);

    [Fact]
    public async Task ProvinceCommuneListIsTheMartTableWithItsTotalRow()
    {
        var json = await Leadership.JsonAsync($"/api/coverage/communes?parent={api.Province}");
        Assert.Equal(Json(queries.Children(new CoverageRequest(api.Province))), json.GetRawText());
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("commune", r.GetProperty("level").GetString()));
        var total = json.GetProperty("total");
        Assert.Equal("province", total.GetProperty("level").GetString());
        Assert.Equal(total.GetProperty("managed").GetInt64(), rows.Sum(r => r.GetProperty("managed").GetInt64()));
    }

    [Fact]
    public async Task SortByNameFollowsTheVietnameseAlphabetBothWays()
    {
        async Task<List<string>> Names(string desc) =>
            (await Leadership.JsonAsync($"/api/coverage/communes?parent={api.Province}&sort=name&desc={desc}"))
            .GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        var names = await Names("false");
        Assert.Equal(names.Order(Text.VietnameseOrder), names);
        // Lạng Sơn: a < ă < â, so Vạn Linh, Văn Lãng, Văn Quan, Vân Nham (folded: Văn Lãng, Vạn Linh, Vân Nham, Văn Quan).
        Assert.Equal(["Xã Vạn Linh", "Xã Văn Lãng", "Xã Văn Quan", "Xã Vân Nham"], 
            names.Where(n => n is "Xã Vạn Linh" or "Xã Văn Lãng" or "Xã Văn Quan" or "Xã Vân Nham"));
        var descending = await Names("true");
        Assert.Equal(names.AsEnumerable().Reverse(), descending);
    }

    [Fact]
    public async Task RowsAreSortedAndFilteredBelowATarget()
    {
        var sorted = (await Leadership.JsonAsync($"/api/coverage/communes?parent={api.Province}&sort=coverage_pct&desc=true"))
            .GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("coveragePct"))
            .Where(p => p.ValueKind == JsonValueKind.Number).Select(p => p.GetDecimal()).ToList();
        Assert.NotEmpty(sorted);
        Assert.Equal(sorted.OrderDescending(), sorted);

        var threshold = sorted[sorted.Count / 2];
        var below = (await Leadership.JsonAsync($"/api/coverage/communes?parent={api.Province}&below={threshold}"))
            .GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(sorted.Count(p => p < threshold), below.Count);
        Assert.All(below, r => Assert.True(r.GetProperty("coveragePct").GetDecimal() < threshold));

        var all = queries.Children(new CoverageRequest(api.Province));
        var key = all.Targets[^1].Key;
        var lagging = (await Leadership.JsonAsync($"/api/coverage/communes?parent={api.Province}&belowTarget={key}"))
            .GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Equal(all.Rows.Where(r => r.Targets.Single(t => t.Key == key).Meets == false).Select(r => r.Code), lagging);
        Assert.NotEmpty(lagging);
        using var bad = await Leadership.GetAsync($"/api/coverage/communes?parent={api.Province}&belowTarget=99_2099");
        Assert.Equal($"Tham số 'belowTarget': giá trị '99_2099' không hợp lệ; dùng một trong: {string.Join(", ", all.Targets.Select(t => t.Key))}.",
            (await bad.ProblemAsync(400)).Detail);
    }

    [Fact]
    public async Task CsvHasBomHeaderVietnameseNamesAndTheTotalRowLast()
    {
        using var response = await Leadership.GetAsync($"/api/coverage/communes?parent={api.Province}&format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        var table = queries.Children(new CoverageRequest(api.Province));
        var targets = string.Concat(table.Targets.Select(t => $",gap_{t.Key},meets_{t.Key}"));
        Assert.Equal("snapshotId,asOf,level,code,name,population,recordsLinked,examined,managed,coveragePct,over100,noDenominator,approximate" + targets, lines[0]);
        Assert.Equal(table.Rows.Count + 2, lines.Length);
        var first = table.Rows[0];
        Assert.StartsWith($"{table.Snapshot.SnapshotId},{table.Snapshot.AsOf:yyyy-MM-dd},commune,{first.Code},{first.Name},", lines[1]);
        Assert.Contains(lines.Skip(1), l => l.Contains("Xã ") || l.Contains("Phường "));
        Assert.StartsWith($"{table.Snapshot.SnapshotId},{table.Snapshot.AsOf:yyyy-MM-dd},province,{api.Province},", lines[^1]);
        Assert.Contains($",{table.Total.Managed},", lines[^1]);

        var accept = Leadership;
        accept.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
        using var negotiated = await accept.GetAsync($"/api/coverage/communes?parent={api.Province}");
        Assert.Equal("text/csv", negotiated.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await negotiated.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ListEndpointsGiveOneCsvColumnPerField()
    {
        using var response = await Leadership.GetAsync("/api/units?q=bach%20mai&system=2025&format=csv");
        var text = Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("codeSystem,level,code,parentCode,provinceCode,name,fullName,unitType,validFrom,validTo", lines[0]);
        Assert.Equal("2025,commune,00292,01,01,Bạch Mai,Phường Bạch Mai,Phường,2025-07-01,", lines[1]);
    }

    [Fact]
    public async Task SeriesOfTheProvinceCoversEverySnapshotWithProjections()
    {
        var json = await Leadership.JsonAsync($"/api/coverage/units/{api.Province}/series");
        var expected = queries.Series(api.Province);
        Assert.Equal(Json(expected), json.GetRawText());
        Assert.Equal(fixture.SnapshotFolders.Count, json.GetProperty("points").GetArrayLength());
        Assert.NotEmpty(json.GetProperty("projections").EnumerateArray());

        using var csv = await Leadership.GetAsync($"/api/coverage/units/{api.Province}/series?format=csv");
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("snapshotId,asOf,codeSystem,bridged,level,code,name,population,", lines[0]);
        Assert.Equal(expected.Points.Count + 1, lines.Length);
    }

    [Fact]
    public async Task CommuneProfileReportsAreTheMartReports()
    {
        var officer = api.As(ApiFactory.OfficerA);
        var latest = (await officer.JsonAsync("/api/snapshots/latest")).GetProperty("snapshotId").GetString();
        Assert.Equal(Json(queries.PriorityGroups(api.CommuneA, latest)),
            (await officer.JsonAsync($"/api/coverage/units/{api.CommuneA}/priority-groups")).GetRawText());
        Assert.Equal(Json(queries.Completeness(api.CommuneA, latest)),
            (await officer.JsonAsync($"/api/coverage/units/{api.CommuneA}/completeness")).GetRawText());
        Assert.Equal(Json(queries.DataQuality(api.CommuneA, latest)),
            (await officer.JsonAsync($"/api/coverage/units/{api.CommuneA}/data-quality?snapshot={latest}")).GetRawText());

        using var csv = await officer.GetAsync($"/api/coverage/units/{api.CommuneA}/completeness?format=csv");
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("snapshotId,asOf,code,name,recordsLinked,group,label,complete,sharePct", lines[0]);
        Assert.Equal(8, lines.Length);
    }

    [Fact]
    public async Task LegacyDistrictsComeFromTheLatestLegacySnapshot()
    {
        var districts = await Leadership.JsonAsync($"/api/coverage/districts?parent={api.Province}");
        Assert.Equal("legacy", districts.GetProperty("snapshot").GetProperty("codeSystem").GetString());
        var rows = districts.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("district", r.GetProperty("level").GetString()));

        var district = rows[0].GetProperty("code").GetString();
        var communes = await Leadership.JsonAsync($"/api/coverage/communes?parent={district}");
        Assert.Equal(Json(queries.Children(new CoverageRequest(district!))), communes.GetRawText());
        Assert.Equal("district", communes.GetProperty("total").GetProperty("level").GetString());
    }
}
