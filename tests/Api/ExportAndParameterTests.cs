using System.Net;
using System.Text;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>Every table the API serves comes as CSV when asked (never JSON in disguise), parameters are read as users
/// write them, and errors name only parameters the user sent, without .NET exception text.</summary>
[Collection("warehouse")]
public sealed class ExportAndParameterTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    static async Task<string[]> CsvLines(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.False(text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('['), $"{url} answered JSON as CSV");
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Theory]
    [InlineData(ApiFactory.Epidemiologist, "/api/ncd/clusters?format=csv", "snapshotId,asOf,k,unitCode,unitName,cluster,reason")]
    [InlineData(ApiFactory.Epidemiologist, "/api/ncd/comorbidity?format=csv", "snapshotId,unitCode,combination")]
    [InlineData(ApiFactory.Epidemiologist, "/api/ncd/model?format=csv", "modelId,version,model,auc,brier,decile,n,meanPredicted,observed")]
    [InlineData(ApiFactory.Epidemiologist, "/api/ncd/anchors?format=csv", "snapshotId,asOf,survey")]
    [InlineData(ApiFactory.Epidemiologist, "/api/ncd/measures?format=csv", "key,name,denominator")]
    [InlineData(ApiFactory.Admin, "/api/ncd/audit?format=csv", "auditId,at,userName,role,unitCode,snapshotId,listKind,rows,identified,outcome")]
    public async Task EveryNcdTableIsServedAsCsv(string key, string url, string header)
    {
        if (url.StartsWith("/api/ncd/audit", StringComparison.Ordinal)) // at least one audited access to list
            await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/linelists/priority?unit={api.CommuneA}&limit=5");
        var lines = await CsvLines(api.As(key), url);
        Assert.StartsWith(header, lines[0]);
        Assert.True(lines.Length > 1, $"{url}: no rows");
    }

    [Fact]
    public async Task LineListsAreServedAsCsvToTheCommunesOfficerWithTheSameRowsAsJson()
    {
        var officer = api.As(ApiFactory.OfficerA);
        var json = await officer.JsonAsync($"/api/ncd/linelists/priority?unit={api.CommuneA}&limit=20");
        var lines = await CsvLines(officer, $"/api/ncd/linelists/priority?unit={api.CommuneA}&limit=20&format=csv");
        Assert.StartsWith("snapshotId,wardCode,rank,recordId,fullName,phone", lines[0]);
        Assert.Equal(json.GetProperty("rows").GetArrayLength(), lines.Length - 1);
        Assert.Contains(json.GetProperty("rows")[0].GetProperty("recordId").GetString()!, lines[1]);
    }

    [Fact]
    public async Task AgesWrittenAs18PlusWithoutEncodingMeansAdults()
    {
        var client = api.As(ApiFactory.Epidemiologist);
        var plain = await client.JsonAsync("/api/ncd/prevalence?measure=htn_screened&ages=18+");
        var encoded = await client.JsonAsync("/api/ncd/prevalence?measure=htn_screened&ages=18%2B");
        Assert.Equal("18+", plain.GetProperty("ages").GetString());
        Assert.Equal(encoded.GetRawText(), plain.GetRawText());
    }

    [Fact]
    public async Task DistrictsOfALegacyDistrictNameTheParentAndPointToItsCommunes()
    {
        var district = HoSoSucKhoe.Tests.Marts.TruthSnapshot.All(fixture.Truth).First(s => s.Legacy).Districts.First().Code;
        using var response = await api.As(ApiFactory.Leadership).GetAsync($"/api/coverage/districts?parent={district}");
        var detail = (await response.ProblemAsync(400)).Detail;
        Assert.StartsWith("Tham số 'parent'", detail);
        Assert.Contains($"/api/coverage/communes?parent={district}", detail);
        Assert.DoesNotContain("(Parameter", detail);
        Assert.DoesNotContain("'level'", detail);
    }

    [Theory]
    [InlineData("/api/ncd/linelists/priority?unit=COMMUNE&limit=9999", "Tham số 'limit': giá trị '9999' không hợp lệ; cần một số nguyên từ 1 đến 5.000.")]
    [InlineData("/api/coverage/communes?parent=PROVINCE&below=5000", "Tham số 'below': giá trị '5000' không hợp lệ; cần một tỉ lệ phần trăm từ 0 đến 1.000.")]
    public async Task RangesInErrorsAreWrittenTheVietnameseWay(string url, string detail)
    {
        var key = url.Contains("linelists") ? ApiFactory.OfficerA : ApiFactory.Leadership;
        using var response = await api.As(key).GetAsync(url.Replace("COMMUNE", api.CommuneA).Replace("PROVINCE", api.Province));
        Assert.Equal(detail, (await response.ProblemAsync(400)).Detail);
    }
}
