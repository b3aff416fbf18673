using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The NCD and data-quality pages through the test host (plain HTTP), and the set-based query behind the
/// data-quality page's commune table.</summary>
[Collection("warehouse")]
public sealed partial class NcdPagesTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = Seeded(new ApiFactory(fixture));

    static ApiFactory Seeded(ApiFactory api)
    {
        WebClient.SeedUsers(api);
        return api;
    }

    public void Dispose() => api.Dispose();

    [Fact]
    public void CommunesDataQualityEqualsEachCommunesOwnReportInEverySnapshot()
    {
        var queries = new CoverageQueries(fixture.Db);
        List<LoadedSnapshot> snapshots;
        using (var c = fixture.Db.Open()) snapshots = [.. SnapshotCatalog.All(c)];
        Assert.Contains(snapshots, s => s.CodeSystem == "legacy");
        foreach (var s in snapshots)
        {
            var all = queries.CommunesDataQuality(s.ProvinceCode, s.SnapshotId);
            Assert.NotEmpty(all);
            foreach (var r in all)
                Assert.Equal(JsonSerializer.Serialize(queries.DataQuality(r.Unit.Code, s.SnapshotId)), JsonSerializer.Serialize(r));
            // Every commune of the province's coverage table has its row (none left out, none from another province).
            var table = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId });
            Assert.Equal(table.Rows.Select(r => r.Code).Order(StringComparer.Ordinal), all.Select(r => r.Unit.Code));
        }
    }

    [Fact]
    public async Task CommuneOfficerAndAnotherProvincesLeadershipAreRefusedBothProvincePages()
    {
        foreach (var user in new[] { "canboa", "lanhdaokhac" })
        {
            var client = WebClient.Browser(api);
            using (var signIn = await WebClient.SignInAsync(client, user)) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            foreach (var path in new[] { "ncd", "chat-luong" })
            {
                using var page = await client.GetAsync($"/tinh/{api.Province}/{path}");
                Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains("Không có quyền truy cập", html);
                Assert.DoesNotContain("data-testid=\"prevalence", html);
            }
        }
    }

    [Fact]
    public async Task PickedMeasureSexAndAgesShowTheApisCommuneRowsAndSayTheMapDrawsBothSexesAged18Plus()
    {
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "dichte")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var key = api.As(ApiFactory.Epidemiologist);
        var json = await key.JsonAsync("/api/ncd/prevalence?measure=dm_screened&sex=female&ages=50-69");
        var snapshot = json.GetProperty("rows")[0].GetProperty("snapshotId").GetString()!;
        var html = await client.GetStringAsync($"/tinh/{api.Province}/ncd?snapshot={snapshot}&measure=dm_screened&sex=female&ages=50-69");
        Assert.Contains(json.GetProperty("name").GetString()!, html);
        Assert.Contains("data-chart=\"prevalence\"", html); // the picked measure's chart (sex and ages: the table's)
        Assert.Contains("data-testid=\"map-measure-note\"", html);
        Assert.DoesNotContain("data-chart=\"map-smoothed\"", html);
        var expected = json.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("level").GetString() == "commune")
            .Select(Figures.CommuneRow).ToList();
        Assert.Equal(expected, Rows(html, "prevalence-communes", "code", Figures.CommuneFields));
        Assert.Contains(expected, r => r.Contains("ẩn")); // the fixture's small communes: something is hidden, shown as "ẩn"

        using var bad = await client.GetAsync($"/tinh/{api.Province}/ncd?measure=khong-co");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task BothPagesAnswerInEverySnapshotAndTheCommuneTableSortsByTheChosenCheck()
    {
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "dichte")) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        List<LoadedSnapshot> snapshots;
        using (var c = fixture.Db.Open()) snapshots = [.. SnapshotCatalog.All(c)];
        foreach (var s in snapshots)
        foreach (var path in new[] { "ncd", "chat-luong" })
        {
            using var page = await client.GetAsync($"/tinh/{api.Province}/{path}?snapshot={s.SnapshotId}");
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path} {s.SnapshotId}: {(int)page.StatusCode}");
            Assert.Contains($"Ảnh chụp <strong>{s.SnapshotId}</strong> ngày <strong>{s.AsOf:dd/MM/yyyy}</strong>", html);
        }

        var latest = snapshots.Last(s => s.CodeSystem == "2025");
        var sorted = await client.GetStringAsync($"/tinh/{api.Province}/chat-luong?snapshot={latest.SnapshotId}&sort=missing_phone");
        var expected = new CoverageQueries(fixture.Db).CommunesDataQuality(api.Province, latest.SnapshotId)
            .Select(r => (Code: r.Unit.Code, Check: r.Checks.Single(c => c.Check == "missing_phone")))
            .OrderByDescending(x => x.Check.SharePct).ThenByDescending(x => x.Check.Count).ThenBy(x => x.Code, StringComparer.Ordinal)
            .Select(x => x.Code);
        Assert.Equal(expected, Rows(sorted, "dq-communes", "code", []).Select(r => r.TrimEnd('|')));
        Assert.Contains("aria-sort=\"descending\"><a href=\"?snapshot=" + latest.SnapshotId + "&amp;sort=missing_phone\"", sorted);
    }

    /// <summary>"key|field|field…" of each row of the table with the test id, read from the server's HTML.</summary>
    static List<string> Rows(string html, string testId, string keyAttribute, string[] fields)
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

/// <summary>The API's JSON written as the pages write it (vi-VN; "ẩn" for a hidden value, "—" for none).</summary>
static class Figures
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static readonly string[] CommuneFields = ["cases", "denominator", "crude", "standardised", "smoothed", "shrinkage"];

    static bool Null(JsonElement e) => e.ValueKind == JsonValueKind.Null;

    public static string N(JsonElement e, bool suppressed = false) => Null(e) ? (suppressed ? "ẩn" : "—") : e.GetInt64().ToString("N0", Vi);

    public static string Share(JsonElement e, bool suppressed = false) => Null(e) ? (suppressed ? "ẩn" : "—") : (e.GetDouble() * 100).ToString("N2", Vi) + "%";

    public static string Pct(JsonElement e) => Null(e) ? "—" : e.GetDecimal().ToString("N2", Vi) + "%";

    public static string Num(JsonElement e, bool suppressed = false) => Null(e) ? (suppressed ? "ẩn" : "—") : e.GetDouble().ToString("N2", Vi);

    public static string Ci(JsonElement lo, JsonElement hi, bool suppressed) =>
        Null(lo) || Null(hi) ? (suppressed ? "ẩn" : "—") : $"{Share(lo)} – {Share(hi)}";

    static readonly string[] SeveralBands = ["18+", "18-29", "30-49", "50-69", "70+"];

    /// <summary>Band-weighed figures hidden: the row is suppressed, or it has a crude rate over several bands but no
    /// standardised rate (disclosure hid a band of it).</summary>
    static bool BandsHidden(JsonElement r) => r.GetProperty("suppressed").GetBoolean()
        || (!Null(r.GetProperty("crude")) && Null(r.GetProperty("standardised")) && SeveralBands.Contains(r.GetProperty("ageGroup").GetString()));

    /// <summary>A commune's prevalence row as the page's commune table shows it (<see cref="CommuneFields"/>).</summary>
    public static string CommuneRow(JsonElement r)
    {
        var s = r.GetProperty("suppressed").GetBoolean();
        var b = BandsHidden(r);
        return string.Join("|", r.GetProperty("unitCode").GetString(), N(r.GetProperty("cases"), s), N(r.GetProperty("denominator"), s),
            Share(r.GetProperty("crude"), s), Share(r.GetProperty("standardised"), b), Share(r.GetProperty("smoothed"), b),
            Num(r.GetProperty("shrinkage"), b));
    }

    /// <summary>A province prevalence row as the page's table shows it: sex|ages|cases|denominator|crude|crude CI|standardised|CI.</summary>
    public static string ProvinceRow(JsonElement r)
    {
        var s = r.GetProperty("suppressed").GetBoolean();
        var b = BandsHidden(r);
        return string.Join("|", r.GetProperty("sex").GetString(), r.GetProperty("ageGroup").GetString(), N(r.GetProperty("cases"), s),
            N(r.GetProperty("denominator"), s), Share(r.GetProperty("crude"), s), Ci(r.GetProperty("crudeLo"), r.GetProperty("crudeHi"), s),
            Share(r.GetProperty("standardised"), b), Ci(r.GetProperty("standardisedLo"), r.GetProperty("standardisedHi"), b));
    }
}
