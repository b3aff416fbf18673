using System.Text.Json;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>The programme endpoints through the real server (the shared five-snapshot fixture).</summary>
[Collection("warehouse")]
public sealed class ProgrammeApiTests(WarehouseFixture fixture, ITestOutputHelper output) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    [Theory]
    [InlineData("htn")]
    [InlineData("dm")]
    public async Task EpidemiologistSeesTheMonthWithSmallCountsHiddenAndNoShareOverThem(string disease)
    {
        var body = await api.As(ApiFactory.Epidemiologist).JsonAsync($"/api/ncd/programme/{disease}?includeLost=true");
        var table = body.GetProperty("table");
        var rows = table.GetProperty("rows");
        Assert.Equal("province", rows[0].GetProperty("level").GetString());
        Assert.Equal("snapshot", rows[0].GetProperty("source").GetString());
        Assert.True(table.GetProperty("includeLost").GetBoolean());
        foreach (var r in rows.EnumerateArray())
            foreach (var (count, share) in new[] { ("controlled", "controlledShare"), ("uncontrolled", "uncontrolledShare"), ("missedVisit", "missedVisitShare"),
                         ("visitedWithoutMeasurement", "visitedWithoutMeasurementShare"), ("lostToFollowUp", "lostToFollowUpShare") })
            {
                var c = r.GetProperty(count);
                if (c.ValueKind == JsonValueKind.Number) Assert.False(c.GetInt32() is > 0 and < 5, $"{r.GetProperty("unitCode")} {count} shown");
                else Assert.Equal(JsonValueKind.Null, r.GetProperty(share).ValueKind);
            }
        output.WriteLine($"{rows.GetArrayLength()} rows, {rows.EnumerateArray().Count(r => r.GetProperty("suppressed").GetBoolean())} suppressed");
    }

    [Fact]
    public async Task TrendHasEighteenMonthsEachWithItsSourceAndCohortsAndCsvAnswer()
    {
        var epi = api.As(ApiFactory.Epidemiologist);
        var trend = (await epi.JsonAsync($"/api/ncd/programme/htn/trend?unit={api.Province}")).GetProperty("trend").GetProperty("rows");
        Assert.Equal(18, trend.GetArrayLength());
        var sources = trend.EnumerateArray().Select(r => r.GetProperty("source").GetString()).ToList();
        Assert.Equal(5, sources.Count(s => s == "snapshot"));
        Assert.Equal(13, sources.Count(s => s == "history"));
        var cohorts = await epi.JsonAsync("/api/ncd/programme/dm/cohorts");
        Assert.Equal("dm", cohorts.GetProperty("cohorts").GetProperty("disease").GetString());

        using var csv = await epi.GetAsync("/api/ncd/programme/htn/trend?format=csv");
        Assert.True(csv.IsSuccessStatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("underCare", text.Split('\n')[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CommuneOfficerSeesOwnCommuneRawAndOthersAreRefused()
    {
        var officer = api.As(ApiFactory.OfficerA);
        var rows = (await officer.JsonAsync("/api/ncd/programme/htn")).GetProperty("table").GetProperty("rows");
        Assert.Equal(1, rows.GetArrayLength());
        Assert.Equal(api.CommuneA, rows[0].GetProperty("unitCode").GetString());
        Assert.False(rows[0].GetProperty("suppressed").GetBoolean());
        using var other = await officer.GetAsync($"/api/ncd/programme/htn?unit={api.CommuneB}");
        await other.ProblemAsync(403);
    }

    [Theory]
    [InlineData("/api/ncd/programme/copd", "disease")]
    [InlineData("/api/ncd/programme/htn?month=2025-13", "month")]
    [InlineData("/api/ncd/programme/htn?month=2020-01", "month")]
    [InlineData("/api/ncd/programme/htn?includeLost=maybe", "includeLost")]
    public async Task BadParametersAreOneVietnameseProblemNamingTheParameter(string url, string parameter)
    {
        using var response = await api.As(ApiFactory.Epidemiologist).GetAsync(url);
        var problem = await response.ProblemAsync(400);
        Assert.Contains(parameter, problem.Detail);
    }
}
