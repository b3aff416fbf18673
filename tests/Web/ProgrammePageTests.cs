using System.Net;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The programme page through the test host (plain HTTP): the same figures as <c>/api/ncd/programme</c>, the
/// NCD page's access rule, Vietnamese 400s.</summary>
[Collection("warehouse")]
public sealed partial class ProgrammePageTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = Seeded(new ApiFactory(fixture));

    static ApiFactory Seeded(ApiFactory api)
    {
        WebClient.SeedUsers(api);
        return api;
    }

    public void Dispose() => api.Dispose();

    internal static readonly string[] Fields = ["denominator", "controlled", "controlledShare", "uncontrolled", "uncontrolledShare", "missedVisit",
        "missedVisitShare", "visitedWithoutMeasurement", "lostToFollowUp"];

    /// <summary>The API's month row as the page writes it.</summary>
    internal static string Row(System.Text.Json.JsonElement r)
    {
        var h = r.GetProperty("suppressed").GetBoolean();
        return string.Join("|", r.GetProperty("unitCode").GetString(), Figures.N(r.GetProperty("denominator"), h), Figures.N(r.GetProperty("controlled"), h),
            Figures.Share(r.GetProperty("controlledShare"), h), Figures.N(r.GetProperty("uncontrolled"), h), Figures.Share(r.GetProperty("uncontrolledShare"), h),
            Figures.N(r.GetProperty("missedVisit"), h), Figures.Share(r.GetProperty("missedVisitShare"), h), Figures.N(r.GetProperty("visitedWithoutMeasurement"), h),
            Figures.N(r.GetProperty("lostToFollowUp"), h));
    }

    [Fact]
    public async Task ChartDownloadsAreThePagesChartsInScope()
    {
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "dichte")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var key = api.As(ApiFactory.Epidemiologist);
        var snapshot = (await key.JsonAsync("/api/ncd/programme/htn")).GetProperty("table").GetProperty("snapshotId").GetString()!;
        var html = await client.GetStringAsync($"/tinh/{api.Province}/chuong-trinh?snapshot={snapshot}&disease=htn");
        foreach (var kind in new[] { "outcomes", "control", "cohorts" })
        {
            // One piece of code per figure: the download is the page's inline chart, byte for byte.
            var svg = await key.GetStringAsync($"/api/ncd/programme/htn/chart?kind={kind}&snapshot={snapshot}&unit={api.Province}");
            var inline = Regex.Match(html, $"data-chart=\"{kind}\">(<svg.*?</svg>)\\s*</figure>", RegexOptions.Singleline);
            Assert.True(inline.Success, kind);
            // ScottPlot names its clip paths at random per drawing.
            static string Ids(string x) => Regex.Replace(x, "cl_[0-9a-f]+", "cl_");
            Assert.Equal(Ids(inline.Groups[1].Value), Ids(svg[svg.IndexOf("<svg", StringComparison.Ordinal)..].TrimEnd()));
            using var png = await key.GetAsync($"/api/ncd/programme/htn/chart?kind={kind}&format=png&snapshot={snapshot}");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
        }
        using (var map = await key.GetAsync($"/api/ncd/programme/dm/chart?kind=map&snapshot={snapshot}"))
        {
            Assert.Equal(HttpStatusCode.OK, map.StatusCode);
            Assert.Contains("<svg", await map.Content.ReadAsStringAsync());
        }
        Assert.Contains($"/api/ncd/programme/htn/chart?snapshot={snapshot}&amp;kind=outcomes", html);

        using (var bad = await key.GetAsync("/api/ncd/programme/htn/chart?kind=pie"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("kind", await bad.Content.ReadAsStringAsync());
        }
        // A commune officer draws their own commune, never another's.
        using (var own = await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/programme/htn/chart?kind=control&unit={api.CommuneA}"))
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using (var other = await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/programme/htn/chart?kind=control&unit={api.CommuneB}"))
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using (var none = await api.As(null).GetAsync("/api/ncd/programme/htn/chart?kind=control"))
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Theory]
    [InlineData("htn", false)]
    [InlineData("dm", true)]
    public async Task EpidemiologistSeesTheApisFiguresChartsAndMap(string disease, bool includeLost)
    {
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "dichte")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var key = api.As(ApiFactory.Epidemiologist);
        var lost = includeLost ? "&includeLost=true" : "";
        var json = await key.JsonAsync($"/api/ncd/programme/{disease}?x=1{lost}");
        var table = json.GetProperty("table");
        var snapshot = table.GetProperty("snapshotId").GetString()!;
        var html = await client.GetStringAsync($"/tinh/{api.Province}/chuong-trinh?snapshot={snapshot}&disease={disease}{lost}");
        var expected = table.GetProperty("rows").EnumerateArray().Select(Row).ToList();
        Assert.Equal(expected, Rows(html, "programme-communes", "code", Fields));
        Assert.Contains(expected, r => r.Contains("ẩn"));
        foreach (var chart in new[] { "outcomes", "control", "cohorts", "map-control" })
            Assert.Matches($"data-chart=\"{chart}\"><svg", html);
        Assert.Contains(table.GetProperty("diseaseName").GetString()!, html);
        Assert.Contains($"/api/ncd/programme/{disease}/trend?snapshot={snapshot}&amp;unit={api.Province}", html);

        // The province trend table: the API's trend rows of the province.
        var trend = await key.JsonAsync($"/api/ncd/programme/{disease}/trend?unit={api.Province}{lost}");
        var months = trend.GetProperty("trend").GetProperty("rows").EnumerateArray().Select(r =>
            $"{r.GetProperty("month").GetString()![..7]}|{Figures.Share(r.GetProperty("controlledShare"), r.GetProperty("suppressed").GetBoolean())}").ToList();
        Assert.Equal(18, months.Count);
        Assert.Equal(months, Rows(html, "programme-trend", "month", ["controlledShare"]));

        // A commune picked as the unit: its KPI tile is the API's figure for it.
        var commune = table.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("level").GetString() == "commune");
        var code = commune.GetProperty("unitCode").GetString()!;
        var one = await client.GetStringAsync($"/tinh/{api.Province}/chuong-trinh?snapshot={snapshot}&disease={disease}&unit={code}{lost}");
        Assert.Contains($"data-field=\"controlledShare\">{Figures.Share(commune.GetProperty("controlledShare"), commune.GetProperty("suppressed").GetBoolean())}<", one);
    }

    [Fact]
    public async Task OfficerAndAnotherProvinceAreRefusedAndBadParametersAreVietnamese400s()
    {
        foreach (var user in new[] { "canboa", "lanhdaokhac" })
        {
            var client = WebClient.Browser(api);
            using (var signIn = await WebClient.SignInAsync(client, user)) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            using var page = await client.GetAsync($"/tinh/{api.Province}/chuong-trinh");
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.DoesNotContain("data-testid=\"programme-communes\"", await page.Content.ReadAsStringAsync());
        }
        var epi = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(epi, "dichte")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        foreach (var (query, parameter) in new[] { ("disease=copd", "disease"), ("month=2025-13", "month"), ("month=2020-01", "month"), ("includeLost=maybe", "includeLost") })
        {
            using var bad = await epi.GetAsync($"/tinh/{api.Province}/chuong-trinh?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(parameter, await bad.Content.ReadAsStringAsync());
        }
        using var elsewhere = await epi.GetAsync($"/tinh/{api.Province}/chuong-trinh?unit={api.OtherProvince}");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        // The navigation links the page.
        Assert.Contains($"href=\"/tinh/{api.Province}/chuong-trinh\"", await epi.GetStringAsync($"/tinh/{api.Province}"));
    }

    /// <summary>"key|field|…" of each row of the table with the test id, read from the server's HTML.</summary>
    internal static List<string> Rows(string html, string testId, string keyAttribute, string[] fields)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, testId);
        var table = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        return [.. RowPattern().Matches(table).Where(m => m.Groups["attr"].Value == keyAttribute).Select(m =>
        {
            var cells = FieldPattern().Matches(m.Groups["body"].Value).DistinctBy(f => f.Groups[1].Value).ToDictionary(f => f.Groups[1].Value, f => WebUtility.HtmlDecode(f.Groups[2].Value));
            return string.Join("|", [m.Groups["key"].Value, .. fields.Select(f => cells[f])]);
        })];
    }

    [GeneratedRegex("<tr data-(?<attr>[a-z]+)=\"(?<key>[^\"]+)\"[^>]*>(?<body>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("data-field=\"([A-Za-z]+)\">([^<]*)<")]
    private static partial Regex FieldPattern();
}
